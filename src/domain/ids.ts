import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { encodeTime, incrementBase32, ulid as seededUlid } from 'ulid';
import { shardChar } from './shards.js';

/**
 * ulid's default PRNG makes one crypto call per random character (16 per id, several ids per
 * link); drawing the same CSPRNG bytes from a refilled pool costs one call per 4096 characters.
 */
function pooledRandom(size = 4096): () => number {
  const pool = Buffer.alloc(size);
  let next = size;
  return () => {
    if (next === size) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]! / 256;
  };
}

const random = pooledRandom();
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_CHARS = 15;

/**
 * Monotonic ULID bodies whose last character is free for the shard: time (10) + random (15),
 * the random part incremented within one millisecond (as ulid's monotonicFactory does), so ids of
 * one process are unique and keep their creation order whatever shard character follows.
 */
function monotonicBody(): () => string {
  let lastTime = -1;
  let lastRandom = '';
  return () => {
    const now = Date.now();
    if (now > lastTime) {
      lastTime = now;
      lastRandom = Array.from({ length: RANDOM_CHARS }, () => CROCKFORD[Math.floor(random() * 32)]).join('');
    } else {
      lastRandom = incrementBase32(lastRandom);
    }
    return encodeTime(lastTime, 10) + lastRandom;
  };
}

const nextBody = monotonicBody();

/** Prefixes make an id's kind obvious in logs and support tickets. */
export const ID_PREFIX = {
  connectRequest: 'cr_',
  batch: 'bat_',
  account: 'acc_',
  webhookEndpoint: 'we_',
  webhookMessage: 'msg_',
  connectSession: 'cs_',
} as const;

export type IdKind = keyof typeof ID_PREFIX;
/** Records that live in a data shard (domain/shards.ts): their ids name it. */
export type ShardedIdKind = 'connectRequest' | 'batch' | 'account' | 'webhookMessage';
export type PlatformIdKind = Exclude<IdKind, ShardedIdKind>;

/** ULIDs sort by creation time, so Redis lexicographic indexes double as time order. */
export function newId(kind: PlatformIdKind): string {
  return ID_PREFIX[kind] + (nextBody() + CROCKFORD[Math.floor(random() * 32)]).toLowerCase();
}

/** A new id of a record in data shard `shard`; its last character names the shard. */
export function newShardedId(kind: ShardedIdKind, shard: number): string {
  return ID_PREFIX[kind] + nextBody().toLowerCase() + shardChar(shard);
}

/** What a call under one Idempotency-Key derives its ids from, kept with the key. */
export interface IdSeed {
  /** Creation time the ids carry (ms). */
  time: number;
  nonce: string;
}

export function newIdSeed(now = Date.now()): IdSeed {
  return { time: now, nonce: randomBytes(16).toString('hex') };
}

/**
 * The same seed, kind, index and shard always give the same id: a call retried under one
 * Idempotency-Key after a crash re-creates exactly the records of the first try instead of new ones.
 */
export function seededId(kind: ShardedIdKind, seed: IdSeed, index: number, shard: number): string {
  const bytes = createHash('sha256').update(`${seed.nonce}:${kind}:${index}`).digest();
  let next = 0;
  const body = seededUlid(seed.time, () => bytes[next++]! / 256).toLowerCase();
  return ID_PREFIX[kind] + body.slice(0, -1) + shardChar(shard);
}

/** A lowercase ULID; its first character is at most 7, or its time would not fit in 48 bits. */
const ID_BODY = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;

export function isId(kind: IdKind, value: string): boolean {
  const prefix = ID_PREFIX[kind];
  return value.startsWith(prefix) && ID_BODY.test(value.slice(prefix.length));
}
