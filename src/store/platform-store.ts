import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RedisClient } from './redis-client.js';
import { globalKey } from './keys.js';

export interface PlatformToken {
  id: string;
  token: string;
}

export const PLATFORM_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const digest = (token: string) => createHash('sha256').update(token).digest();

/** Parses LINKER_PLATFORMS (`id:token,…`). */
export function parsePlatformTokens(value: string): PlatformToken[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const sep = entry.indexOf(':');
      const id = entry.slice(0, sep);
      const token = entry.slice(sep + 1);
      if (sep < 1 || !PLATFORM_ID.test(id)) throw new Error(`LINKER_PLATFORMS: "${id}" is not a valid platform id (lowercase letters, digits, "_" and "-")`);
      if (token.length < 16) throw new Error(`LINKER_PLATFORMS: the token of platform "${id}" must be at least 16 characters`);
      return { id, token };
    });
}

/**
 * Who is calling. Tokens from LINKER_PLATFORMS live in memory; tokens made by
 * `account-linker platforms add` are stored in Redis as SHA-256 digests only.
 */
export class PlatformStore {
  private readonly fromEnv: { id: string; digest: Buffer }[];
  private readonly cache = new Map<string, { id: string | null; until: number }>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    envTokens: PlatformToken[],
  ) {
    this.fromEnv = envTokens.map((p) => ({ id: p.id, digest: digest(p.token) }));
  }

  private get tokensKey() {
    return globalKey(this.prefix, 'platform-tokens');
  }

  /** Returns the platform id for a token, or null. Every configured token is compared in constant time. */
  async authenticate(token: string): Promise<string | null> {
    const d = digest(token);
    let match: string | null = null;
    for (const p of this.fromEnv) if (timingSafeEqual(p.digest, d) && match === null) match = p.id;
    if (match) return match;
    const hex = d.toString('hex');
    const cached = this.cache.get(hex);
    if (cached && cached.until > Date.now()) return cached.id;
    const id = await this.redis.hget(this.tokensKey, hex);
    this.cache.set(hex, { id, until: Date.now() + 10_000 });
    if (this.cache.size > 10_000) this.cache.clear();
    return id;
  }

  /** Every known platform id: from LINKER_PLATFORMS and from `account-linker platforms add`. */
  async ids(): Promise<string[]> {
    const stored = await this.redis.hvals(this.tokensKey);
    return [...new Set([...this.fromEnv.map((p) => p.id), ...stored])];
  }

  /** Creates a platform with a fresh token, returned once. */
  async add(id: string): Promise<string> {
    if (!PLATFORM_ID.test(id)) throw new Error(`"${id}" is not a valid platform id: use lowercase letters, digits, "_" and "-" (at most 40)`);
    const token = `alk_${randomBytes(24).toString('base64url')}`;
    await this.redis.hset(this.tokensKey, digest(token).toString('hex'), id);
    return token;
  }
}
