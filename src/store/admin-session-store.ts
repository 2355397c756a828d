import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RedisClient } from './redis-client.js';
import { globalKey } from './keys.js';

/** What a browser's admin cookie carries: 32 random bytes, base64url. */
export const ADMIN_SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/**
 * Signed-in browsers of the queues dashboard. The cookie holds an opaque id; Redis keeps only its
 * SHA-256, with a fingerprint of the admin token it was made under, and expires it after `ttlMs`.
 * A session made under another admin token does not verify, so changing LINKER_ADMIN_TOKEN signs
 * every browser out at once.
 */
export class AdminSessionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** Session lifetime (ms). */
    readonly ttlMs: number,
  ) {}

  private key(id: string) {
    return globalKey(this.prefix, `admin-session:${sha256(id).toString('hex')}`);
  }

  private static fingerprint(adminToken: string) {
    return sha256(`account-linker admin session\0${adminToken}`).toString('hex');
  }

  async create(adminToken: string): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(id), AdminSessionStore.fingerprint(adminToken), 'PX', this.ttlMs);
    return id;
  }

  /** True when `id` is a live session made under `adminToken`. */
  async verify(id: string, adminToken: string): Promise<boolean> {
    if (!ADMIN_SESSION_ID.test(id)) return false;
    const stored = await this.redis.get(this.key(id));
    if (!stored) return false;
    const expected = Buffer.from(AdminSessionStore.fingerprint(adminToken), 'hex');
    const given = Buffer.from(stored, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async destroy(id: string): Promise<void> {
    if (ADMIN_SESSION_ID.test(id)) await this.redis.del(this.key(id));
  }
}
