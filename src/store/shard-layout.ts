import { z } from 'zod';
import type { RedisClient } from './redis-client.js';
import { globalKey, key, platformBase } from './keys.js';

/** How a deployment's data and queues are split (recorded in Redis by the first process to start). */
export const shardLayoutSchema = z.object({
  /** Data shards (src/domain/shards.ts DATA_SHARDS): fixed by the release. */
  dataShards: z.number().int().positive(),
  /** LINKER_QUEUE_SHARDS. */
  queueShards: z.number().int().positive(),
});
export type ShardLayout = z.infer<typeof shardLayoutSchema>;

/** What the check did: started on the recorded layout, recorded a first or changed one. */
export type LayoutCheck = { result: 'same' | 'recorded' } | { result: 'changed'; from: ShardLayout };

export class ShardLayoutError extends Error {}

/**
 * Refuses to start on a shard layout the stored data and queued work were not made with, where that
 * would lose work:
 * - another data-shard count: every tenant would hash to another shard, so its requests, in-flight
 *   slot and account would not be found. Always refused.
 * - another LINKER_QUEUE_SHARDS while `pendingWork(recorded)` (jobs waiting in the recorded queue
 *   shards, requests not yet final) is not zero: jobs in queue shards that no longer exist would wait
 *   forever, and a request's next job would go to another queue than its last one.
 * With nothing pending the new queue-shard count is recorded and the process starts.
 * - no layout recorded yet, but records of `platformIds` in the layout of releases before the shards
 *   (every key of a platform under the one hash tag `{platformId}`): this release would read none of
 *   them, so every account would look unlinked. Always refused.
 */
export async function checkShardLayout(
  redis: RedisClient,
  prefix: string,
  wanted: ShardLayout,
  pendingWork: (recorded: ShardLayout) => Promise<number>,
  platformIds: string[] = [],
): Promise<LayoutCheck> {
  const k = globalKey(prefix, 'shard-layout');
  const encoded = JSON.stringify(wanted);
  let stored = await redis.get(k);
  if (stored === null) {
    await refuseSingleTagRecords(redis, prefix, platformIds);
    if ((await redis.set(k, encoded, 'NX')) === 'OK') return { result: 'recorded' };
    stored = await redis.get(k);
  }
  const recorded = shardLayoutSchema.parse(JSON.parse(stored ?? encoded));
  if (recorded.dataShards === wanted.dataShards && recorded.queueShards === wanted.queueShards) return { result: 'same' };
  if (recorded.dataShards !== wanted.dataShards) {
    throw new ShardLayoutError(
      `the data under LINKER_REDIS_PREFIX "${prefix}" was written with ${recorded.dataShards} data shards; this release uses ${wanted.dataShards}. ` +
        'Tenants would hash to other shards and their records would not be found: run the release that wrote the data, or start this one on a new LINKER_REDIS_PREFIX (see docs/operations.md, "Changing the shard counts").',
    );
  }
  const pending = await pendingWork(recorded);
  if (pending > 0) {
    throw new ShardLayoutError(
      `LINKER_QUEUE_SHARDS=${wanted.queueShards}, but ${pending} jobs and requests are still pending under LINKER_QUEUE_SHARDS=${recorded.queueShards}. ` +
        `Drain first: run the workers with LINKER_QUEUE_SHARDS=${recorded.queueShards} and no bulk submissions until nothing is pending, then restart every process with LINKER_QUEUE_SHARDS=${wanted.queueShards} (docs/operations.md, "Changing the shard counts").`,
    );
  }
  await redis.set(k, encoded);
  return { result: 'changed', from: recorded };
}

/** The request and account indexes the single-tag layout kept per platform; the sharded layout has none there. */
async function refuseSingleTagRecords(redis: RedisClient, prefix: string, platformIds: string[]): Promise<void> {
  for (const platformId of platformIds) {
    const base = platformBase(prefix, platformId);
    if ((await redis.exists(key.requestIndex(base), key.accountIndex(base))) === 0) continue;
    throw new ShardLayoutError(
      `platform "${platformId}" has records under LINKER_REDIS_PREFIX "${prefix}" in the layout of a release before the data shards (every key under the hash tag {${platformId}}); ` +
        'this release reads none of them, so its accounts would look unlinked. Drain with the release that wrote them, then start this one on a new LINKER_REDIS_PREFIX and submit those tenants again (docs/operations.md, "Upgrading from the single-tag layout").',
    );
  }
}
