import type { RedisClient } from './redis-client.js';
import { key, platformBase } from './keys.js';
import { scripts, type ScriptRunner } from './scripts.js';
import { newIdSeed, type IdSeed } from '../domain/ids.js';

export interface StoredResponse {
  statusCode: number;
  body: unknown;
  /** Response headers worth replaying (e.g. Location). */
  headers?: Record<string, string>;
}

export type IdempotencyBegin =
  /** This call owns the key; `seed` is the same for every try under the key. */
  | { state: 'new'; seed: IdSeed }
  | { state: 'replay'; response: StoredResponse }
  | { state: 'mismatch' }
  | { state: 'in_progress' };

interface Entry {
  fingerprint: string;
  seed: IdSeed;
  response?: StoredResponse;
}

export interface IdempotencyOptions {
  /** How long a key is remembered. Default 24 h. */
  ttlSeconds?: number;
  /** How long a second concurrent call waits for the first to finish. Default 10 s. */
  waitMs?: number;
  /**
   * How long an unfinished call holds its key. Default 30 s. If the API process dies mid-call the
   * lease lapses after this and a retry with the same key takes over, with the same id seed, so it
   * re-creates the first try's records rather than new ones.
   */
  leaseSeconds?: number;
}

/**
 * Idempotency-Key handling: the first call with a key claims it, later calls replay the stored
 * response, a different body under the same key is refused, and a concurrent call waits for the
 * first one's response instead of creating a second result.
 */
export class IdempotencyStore {
  private readonly ttl: number;
  private readonly waitMs: number;
  private readonly lease: number;
  private readonly run: ScriptRunner;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    options: IdempotencyOptions = {},
  ) {
    this.ttl = options.ttlSeconds ?? 24 * 3600;
    this.waitMs = options.waitMs ?? 10_000;
    this.lease = options.leaseSeconds ?? 30;
    this.run = scripts(redis);
  }

  private base(platformId: string) {
    return platformBase(this.prefix, platformId);
  }

  private keys(platformId: string, idemKey: string, scope: string) {
    const base = this.base(platformId);
    return { entry: key.idempotency(base, `${scope}:${idemKey}`), lease: key.idempotencyLease(base, `${scope}:${idemKey}`) };
  }

  async begin(platformId: string, scope: string, idemKey: string, fingerprint: string): Promise<IdempotencyBegin> {
    const fresh: Entry = { fingerprint, seed: newIdSeed() };
    const deadline = Date.now() + this.waitMs;
    const keys = this.keys(platformId, idemKey, scope);
    for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
      const claim = await this.run.claimIdempotency(keys, {
        entry: JSON.stringify(fresh),
        leaseMs: this.lease * 1000,
        ttlSeconds: this.ttl,
      });
      const entry = JSON.parse(claim.entry) as Entry;
      if (entry.fingerprint !== fingerprint) {
        if (claim.claimed) await this.redis.del(keys.lease);
        return { state: 'mismatch' };
      }
      if (entry.response) return { state: 'replay', response: entry.response };
      if (claim.claimed) return { state: 'new', seed: entry.seed };
      if (Date.now() > deadline) return { state: 'in_progress' };
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async complete(platformId: string, scope: string, idemKey: string, fingerprint: string, seed: IdSeed, response: StoredResponse): Promise<void> {
    const { entry, lease } = this.keys(platformId, idemKey, scope);
    await this.redis
      .multi()
      .set(entry, JSON.stringify({ fingerprint, seed, response } satisfies Entry), 'EX', this.ttl)
      .del(lease)
      .exec();
  }

  /** A call that failed midway lets go of the key; a retry takes over with the same id seed. */
  async release(platformId: string, scope: string, idemKey: string): Promise<void> {
    await this.redis.del(this.keys(platformId, idemKey, scope).lease);
  }

  /** Forgets a key whose call was refused before creating anything, so the client can retry with it. */
  async abandon(platformId: string, scope: string, idemKey: string): Promise<void> {
    const { entry, lease } = this.keys(platformId, idemKey, scope);
    await this.redis.del(entry, lease);
  }
}
