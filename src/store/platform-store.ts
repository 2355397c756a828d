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

export interface PlatformListing {
  id: string;
  /** `env`: a LINKER_PLATFORMS entry (changed there, with a restart); `stored`: made by `platforms add`. */
  source: 'env' | 'stored';
  /** Tokens that work for it right now. */
  tokens: number;
}

/** Why a platform command cannot do what was asked; the CLI prints the message. */
export class PlatformCommandError extends Error {
  override name = 'PlatformCommandError';
}

/** How long a process trusts what it read about a token when no change notice could reach it. */
const CACHE_MS = 10_000;

/**
 * Who is calling. Tokens from LINKER_PLATFORMS live in memory; tokens made by
 * `account-linker platforms add` are stored in Redis as SHA-256 digests only.
 *
 * Each API process caches token lookups. `add`, `rotate` and `revoke` publish a change notice that
 * every process subscribed (on its first lookup) answers by dropping its cache, so a revoked token
 * stops working everywhere at once; a process that lost its subscription drops the cache when it
 * reconnects, and entries expire after 10 s in any case.
 */
export class PlatformStore {
  private readonly fromEnv: { id: string; digest: Buffer }[];
  private readonly cache = new Map<string, { id: string | null; until: number }>();
  private subscriber?: RedisClient;
  private watching?: Promise<void>;

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

  private get changesChannel() {
    return globalKey(this.prefix, 'platform-tokens:changed');
  }

  /** Subscribes to change notices once; caching starts only after the subscription holds. */
  private watch(): Promise<void> {
    this.watching ??= (async () => {
      const subscriber = this.redis.duplicate();
      this.subscriber = subscriber;
      subscriber.on('message', () => this.cache.clear());
      // A notice sent while disconnected is lost: forget everything on every (re)connect.
      subscriber.on('ready', () => this.cache.clear());
      await subscriber.subscribe(this.changesChannel);
    })();
    return this.watching;
  }

  /** Returns the platform id for a token, or null. Every configured token is compared in constant time. */
  async authenticate(token: string): Promise<string | null> {
    const d = digest(token);
    let match: string | null = null;
    for (const p of this.fromEnv) if (timingSafeEqual(p.digest, d) && match === null) match = p.id;
    if (match) return match;
    await this.watch();
    const hex = d.toString('hex');
    const cached = this.cache.get(hex);
    if (cached && cached.until > Date.now()) return cached.id;
    const id = await this.redis.hget(this.tokensKey, hex);
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(hex, { id, until: Date.now() + CACHE_MS });
    return id;
  }

  /** Every known platform id: from LINKER_PLATFORMS and from `account-linker platforms add`. */
  async ids(): Promise<string[]> {
    return (await this.list()).map((p) => p.id);
  }

  async list(): Promise<PlatformListing[]> {
    const listing = new Map<string, PlatformListing>();
    for (const { id } of this.fromEnv) listing.set(id, { id, source: 'env', tokens: (listing.get(id)?.tokens ?? 0) + 1 });
    for (const id of await this.redis.hvals(this.tokensKey)) {
      const known = listing.get(id);
      if (known) known.tokens++;
      else listing.set(id, { id, source: 'stored', tokens: 1 });
    }
    return [...listing.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Creates a platform with a fresh token, returned once. */
  async add(id: string): Promise<string> {
    if (!PLATFORM_ID.test(id)) throw new PlatformCommandError(`"${id}" is not a valid platform id: use lowercase letters, digits, "_" and "-" (at most 40)`);
    if ((await this.list()).some((p) => p.id === id)) throw new PlatformCommandError(`platform "${id}" already exists; give it a new token with: account-linker platforms rotate ${id}`);
    return this.replaceTokens(id);
  }

  /** A new token for a stored platform, returned once; its old tokens stop working at once. */
  async rotate(id: string): Promise<string> {
    await this.storedDigests(id);
    return this.replaceTokens(id);
  }

  /** Every token of a stored platform stops working at once. Its data stays. */
  async revoke(id: string): Promise<void> {
    const digests = await this.storedDigests(id);
    await this.redis.hdel(this.tokensKey, ...digests);
    await this.redis.publish(this.changesChannel, id);
  }

  /** The digests of a platform's stored tokens; refuses env platforms and unknown ids with what to do. */
  private async storedDigests(id: string): Promise<string[]> {
    if (this.fromEnv.some((p) => p.id === id)) {
      throw new PlatformCommandError(`platform "${id}" comes from LINKER_PLATFORMS: change or remove its entry there and restart the service`);
    }
    const digests = await this.digestsOf(id);
    if (digests.length === 0) throw new PlatformCommandError(`no platform "${id}"; see the known ones with: account-linker platforms list`);
    return digests;
  }

  private async digestsOf(id: string): Promise<string[]> {
    const all = await this.redis.hgetall(this.tokensKey);
    return Object.keys(all).filter((hex) => all[hex] === id);
  }

  /** Stores one fresh token for `id` in place of any it had, in one step, and tells every process. */
  private async replaceTokens(id: string): Promise<string> {
    const token = `alk_${randomBytes(24).toString('base64url')}`;
    const old = await this.digestsOf(id);
    const tx = this.redis.multi();
    if (old.length > 0) tx.hdel(this.tokensKey, ...old);
    await tx.hset(this.tokensKey, digest(token).toString('hex'), id).exec();
    await this.redis.publish(this.changesChannel, id);
    return token;
  }

  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
