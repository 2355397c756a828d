import { Queue, type Job } from 'bullmq';
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

/** Data shards (src/domain/shards.ts): queue shards beyond DATA_SHARDS would stay empty. */
export { DATA_SHARDS, shardOf as dataShardOf } from '../domain/shards.js';

/** One BullMQ queue per shard, all of the same name; `of(dataShard)` is where a record's jobs go. */
export class ShardedQueue<T> {
  readonly shards: Queue<T>[];

  constructor(name: string, connection: RedisClient, prefix: string, count: number) {
    this.shards = queueShardPrefixes(prefix, count).map((shardPrefix) => new Queue<T>(name, { connection, prefix: shardPrefix }));
  }

  of(dataShard: number): Queue<T> {
    return this.shards[queueShardOf(dataShard, this.shards.length)]!;
  }

  get name(): string {
    return this.shards[0]!.name;
  }

  /** A job by id, from whichever shard holds it. */
  async getJob(jobId: string): Promise<Job<T> | undefined> {
    const found = await Promise.all(this.shards.map((q) => q.getJob(jobId)));
    return found.find((job) => job !== undefined);
  }

  async count(): Promise<number> {
    return (await Promise.all(this.shards.map((q) => q.count()))).reduce((a, b) => a + b, 0);
  }

  async waitUntilReady(): Promise<void> {
    await Promise.all(this.shards.map((q) => q.waitUntilReady()));
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
