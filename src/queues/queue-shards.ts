import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import type { RedisClient } from '../store/redis-client.js';
import { slotSpreadTags } from '../store/slot-spread-tags.js';

/**
 * Queue shards (LINKER_QUEUE_SHARDS): the validate and the deliver work each spread over that many
 * BullMQ queues of the same name, each under its own prefix whose hash tag puts it in a different
 * part of the Redis Cluster slot range, so a cluster's masters share the queue traffic. A record's
 * queue shard follows from its data shard, so a request and its queue shard never disagree.
 * Revalidation stays one queue: it is rate limited for the whole service.
 *
 * One shard keeps the prefix of a single-queue deployment (`{prefix:q}`), so 1 is today's layout.
 */
export function queueShardPrefixes(prefix: string, shards: number): string[] {
  if (shards === 1) return [`{${prefix}:q}`];
  return slotSpreadTags(shards, `${prefix}:q`).map((tag) => `{${tag}}`);
}

/** The queue shard of a record in data shard `dataShard`. */
export function queueShardOf(dataShard: number, shards: number): number {
  return dataShard % shards;
}

/** Data shards a platform's records spread over; queue shards beyond this would stay empty. */
export const DATA_SHARDS = 16;

/** The data shard of a platform's tenant: a stable hash, the same on every process and release. */
export function dataShardOf(platformId: string, tenantId: string): number {
  return createHash('sha1').update(`${platformId}\n${tenantId}`).digest().readUInt32BE(0) % DATA_SHARDS;
}

/** One BullMQ queue per shard, all of the same name; `of(dataShard)` is where a record's jobs go. */
export class ShardedQueue<T> {
  readonly shards: Queue<T>[];

  constructor(name: string, connection: RedisClient, prefix: string, count: number) {
    this.shards = queueShardPrefixes(prefix, count).map((shardPrefix) => new Queue<T>(name, { connection, prefix: shardPrefix }));
  }

  of(dataShard: number): Queue<T> {
    return this.shards[queueShardOf(dataShard, this.shards.length)]!;
  }

  /** Job counts summed over the shards. */
  async getJobCounts(...types: Parameters<Queue['getJobCounts']>): Promise<Record<string, number>> {
    const perShard = await Promise.all(this.shards.map((q) => q.getJobCounts(...types)));
    const total: Record<string, number> = {};
    for (const counts of perShard) for (const [state, n] of Object.entries(counts)) total[state] = (total[state] ?? 0) + n;
    return total;
  }

  async pause(): Promise<void> {
    await Promise.all(this.shards.map((q) => q.pause()));
  }

  async resume(): Promise<void> {
    await Promise.all(this.shards.map((q) => q.resume()));
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((q) => q.close()));
  }
}
