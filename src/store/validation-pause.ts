import type { RedisClient } from './redis-client.js';
import { globalKey } from './keys.js';

/** While the provider breaker holds validation: why, and when it tries the provider again. */
export interface ValidationPause {
  reason: string;
  resumesAt: string;
}

/**
 * The breaker's state as the API and /metrics see it. Written only when the breaker opens or
 * closes; it expires by itself at `resumesAt`, so a worker that dies while holding it leaves no
 * pause behind.
 */
export class ValidationPauseStore {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.key = globalKey(prefix, 'validation-paused');
  }

  async open(reason: string, resumesAt: Date): Promise<void> {
    const ttl = Math.max(1, resumesAt.getTime() - Date.now());
    await this.redis.set(this.key, JSON.stringify({ reason, resumesAt: resumesAt.toISOString() } satisfies ValidationPause), 'PX', ttl);
  }

  async close(): Promise<void> {
    await this.redis.del(this.key);
  }

  async get(): Promise<ValidationPause | null> {
    const raw = await this.redis.get(this.key);
    return raw ? (JSON.parse(raw) as ValidationPause) : null;
  }
}
