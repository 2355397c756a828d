import type { RedisClient } from './redis-client.js';
import { key, platformBase } from './keys.js';

export interface StoredResponse {
  statusCode: number;
  body: unknown;
  /** Response headers worth replaying (e.g. Location). */
  headers?: Record<string, string>;
}

export type IdempotencyBegin =
  | { state: 'new' }
  | { state: 'replay'; response: StoredResponse }
  | { state: 'mismatch' }
  | { state: 'in_progress' };

interface Entry {
  fingerprint: string;
  response?: StoredResponse;
}

export interface IdempotencyOptions {
  /** How long a key is remembered. Default 24 h. */
  ttlSeconds?: number;
  /** How long a second concurrent call waits for the first to finish. Default 10 s. */
  waitMs?: number;
  /**
   * How long an unfinished call holds its key. Default 30 s. If the API process dies mid-call the
   * reservation lapses after this, so a client retrying with the same key gets an answer instead
   * of 409 for the key's whole 24 h.
   */
  leaseSeconds?: number;
}

/**
 * Idempotency-Key handling: the first call with a key reserves it (SET NX), later calls replay the
 * stored response, a different body under the same key is refused, and a concurrent call waits for
 * the first one's response instead of creating a second result.
 */
export class IdempotencyStore {
  private readonly ttl: number;
  private readonly waitMs: number;
  private readonly lease: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    options: IdempotencyOptions = {},
  ) {
    this.ttl = options.ttlSeconds ?? 24 * 3600;
    this.waitMs = options.waitMs ?? 10_000;
    this.lease = options.leaseSeconds ?? 30;
  }

  private k(platformId: string, idemKey: string, scope: string) {
    return key.idempotency(platformBase(this.prefix, platformId), `${scope}:${idemKey}`);
  }

  async begin(platformId: string, scope: string, idemKey: string, fingerprint: string): Promise<IdempotencyBegin> {
    const k = this.k(platformId, idemKey, scope);
    const reserved = await this.redis.set(k, JSON.stringify({ fingerprint } satisfies Entry), 'EX', this.lease, 'NX');
    if (reserved === 'OK') return { state: 'new' };
    const deadline = Date.now() + this.waitMs;
    for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
      const raw = await this.redis.get(k);
      if (!raw) return this.begin(platformId, scope, idemKey, fingerprint);
      const entry = JSON.parse(raw) as Entry;
      if (entry.fingerprint !== fingerprint) return { state: 'mismatch' };
      if (entry.response) return { state: 'replay', response: entry.response };
      if (Date.now() > deadline) return { state: 'in_progress' };
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async complete(platformId: string, scope: string, idemKey: string, fingerprint: string, response: StoredResponse): Promise<void> {
    await this.redis.set(this.k(platformId, idemKey, scope), JSON.stringify({ fingerprint, response } satisfies Entry), 'EX', this.ttl);
  }

  /** Releases a reservation whose call failed, so the client can retry with the same key. */
  async abandon(platformId: string, scope: string, idemKey: string): Promise<void> {
    await this.redis.del(this.k(platformId, idemKey, scope));
  }
}
