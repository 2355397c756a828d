import type { RedisClient } from '../src/store/redis-client.js';
import { key, ShardBases } from '../src/store/keys.js';
import { BatchStore } from '../src/store/batch-store.js';
import { isFinal, type RequestStatus } from '../src/domain/connect-request-state.js';
import { BENCH_PLATFORM } from './service-process.js';

export interface Confirmation {
  /** When the service accepted the request (its createdAt), ms since epoch. */
  acceptedAt: number;
  /** When the service recorded the receiver's 2xx (its confirmationAt), ms since epoch. */
  confirmedAt: number;
}

/**
 * Waits until every batch counts all its requests as settled. Batches settle about in the order
 * they were sent, so it reads one batch at a time (its counters: one hash per data shard), every
 * 200 ms, and moves to the next once it settled. Polling each request instead (tens of thousands of
 * HMGETs five times a second), or every batch at once, loaded the Redis under test and this
 * process, which also hosts the simulator and the receiver, and so slowed the very service being
 * measured.
 */
export async function waitForBatches(redis: RedisClient, prefix: string, batchIds: string[], timeoutMs: number, platformId = BENCH_PLATFORM.id): Promise<void> {
  const batches = new BatchStore(redis, prefix);
  const deadline = Date.now() + timeoutMs;
  const pending = [...batchIds];
  while (pending.length > 0) {
    const batch = await batches.get(platformId, pending[0]!);
    if (batch && batch.confirmation.confirmed + batch.confirmation.unconfirmed + batch.confirmation.not_required >= batch.total) {
      pending.shift();
      continue;
    }
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
  const bases = new ShardBases(prefix);
  const out = new Map<string, Confirmation>();
  const deadline = Date.now() + timeoutMs;
  let pending = ids;
  while (pending.length > 0) {
    // One command per request, not one pipeline: on a cluster the requests' shards sit on different nodes.
    const replies = await Promise.all(pending.map((id) => redis.hmget(key.request(bases.ofId(BENCH_PLATFORM.id, id), id), 'confirmation', 'createdAt', 'confirmationAt')));
    const still: string[] = [];
    pending.forEach((id, i) => {
      const [confirmation, createdAt, confirmationAt] = replies[i] ?? [];
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

/**
 * When validation finished each request, ms since epoch, read once the requests are final: a final
 * request's updatedAt is its completedAt (the store keeps it once; see connect-request-store.ts).
 */
export async function completionTimes(redis: RedisClient, prefix: string, platformId: string, ids: string[]): Promise<number[]> {
  const bases = new ShardBases(prefix);
  const replies = await Promise.all(ids.map((id) => redis.hmget(key.request(bases.ofId(platformId, id), id), 'status', 'updatedAt')));
  return replies.map(([status, updatedAt], i) => {
    if (!status || !isFinal(status as RequestStatus) || !updatedAt) throw new Error(`request ${ids[i]} is not final (status ${status ?? 'missing'})`);
    return Date.parse(updatedAt);
  });
}
