import type { RedisClient } from '../src/store/redis-client.js';
import { key, platformBase } from '../src/store/keys.js';
import { BENCH_PLATFORM } from './service-process.js';

export interface Confirmation {
  /** When the service accepted the request (its createdAt), ms since epoch. */
  acceptedAt: number;
  /** When the service recorded the receiver's 2xx (its confirmationAt), ms since epoch. */
  confirmedAt: number;
}

/**
 * Waits until every batch counts all its requests as settled, reading one hash per batch every
 * 200 ms. Polling each request instead (tens of thousands of HMGETs five times a second) loaded the
 * Redis under test and this process, which also hosts the simulator and the receiver, and so slowed
 * the very service being measured.
 */
export async function waitForBatches(redis: RedisClient, prefix: string, batchIds: string[], timeoutMs: number, platformId = BENCH_PLATFORM.id): Promise<void> {
  const base = platformBase(prefix, platformId);
  const deadline = Date.now() + timeoutMs;
  let pending = batchIds;
  while (pending.length > 0) {
    const counts = await Promise.all(pending.map((id) => redis.hmget(key.batch(base, id), 'total', 'c:confirmed', 'c:unconfirmed', 'c:not_required')));
    pending = pending.filter((_, i) => {
      const [total, ...settled] = counts[i]!.map(Number);
      return settled.reduce((a, b) => a + b, 0) < total!;
    });
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending.length} of ${batchIds.length} batches did not settle within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Waits until the service has confirmed every request and returns the service's own timestamps.
 * Reading them from the request records (rather than polling the API) costs the service nothing
 * and is exact to the millisecond; the records are the service's, written by its Lua scripts.
 */
export async function confirmationTimes(redis: RedisClient, prefix: string, ids: string[], timeoutMs: number): Promise<Confirmation[]> {
  const base = platformBase(prefix, BENCH_PLATFORM.id);
  const out = new Map<string, Confirmation>();
  const deadline = Date.now() + timeoutMs;
  let pending = ids;
  while (pending.length > 0) {
    const pipeline = redis.pipeline();
    for (const id of pending) pipeline.hmget(key.request(base, id), 'confirmation', 'createdAt', 'confirmationAt');
    const replies = (await pipeline.exec()) ?? [];
    const still: string[] = [];
    pending.forEach((id, i) => {
      const [confirmation, createdAt, confirmationAt] = (replies[i]?.[1] as (string | null)[]) ?? [];
      if (confirmation === 'confirmed') out.set(id, { acceptedAt: Date.parse(createdAt!), confirmedAt: Date.parse(confirmationAt!) });
      else if (confirmation === 'pending' || !confirmation) still.push(id);
      else throw new Error(`request ${id} ended with confirmation "${confirmation}"; the bench expects every link to be confirmed`);
    });
    pending = still;
    if (pending.length === 0) break;
    if (Date.now() > deadline) throw new Error(`${pending.length} of ${ids.length} requests were not confirmed within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return ids.map((id) => out.get(id)!);
}

/** When validation finished each request (its completedAt), ms since epoch, read once the requests are final. */
export async function completionTimes(redis: RedisClient, prefix: string, platformId: string, ids: string[]): Promise<number[]> {
  const base = platformBase(prefix, platformId);
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hget(key.request(base, id), 'completedAt');
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([, value], i) => {
    if (typeof value !== 'string') throw new Error(`request ${ids[i]} has no completedAt`);
    return Date.parse(value);
  });
}
