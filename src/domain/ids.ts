import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { monotonicFactory, ulid as seededUlid } from 'ulid';

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

const ulid = monotonicFactory(pooledRandom());

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

/** ULIDs sort by creation time, so Redis lexicographic indexes double as time order. */
export function newId(kind: IdKind): string {
  return ID_PREFIX[kind] + ulid().toLowerCase();
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
 * The same seed, kind and index always give the same id: a call retried under one Idempotency-Key
 * after a crash re-creates exactly the records of the first try instead of new ones.
 */
export function seededId(kind: IdKind, seed: IdSeed, index: number): string {
  const bytes = createHash('sha256').update(`${seed.nonce}:${kind}:${index}`).digest();
  let next = 0;
  return ID_PREFIX[kind] + seededUlid(seed.time, () => bytes[next++]! / 256).toLowerCase();
}

/** A lowercase ULID; its first character is at most 7, or its time would not fit in 48 bits. */
const ID_BODY = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;

export function isId(kind: IdKind, value: string): boolean {
  const prefix = ID_PREFIX[kind];
  return value.startsWith(prefix) && ID_BODY.test(value.slice(prefix.length));
}
