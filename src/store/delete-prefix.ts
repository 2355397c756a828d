import type { RedisClient } from './redis-client.js';
import { prefixKeyPages } from './prefix-keys.js';

/** Deletes every key a service with this LINKER_REDIS_PREFIX wrote: its records and (unless `queues: false`) its queues. */
export async function deleteByPrefix(redis: RedisClient, prefix: string, options: { queues?: boolean } = {}): Promise<number> {
  let deleted = 0;
  for await (const { node, keys } of prefixKeyPages(redis, prefix, 1000, options)) {
    // One UNLINK per key, pipelined: on a cluster the keys of one page can live in different slots.
    const pipeline = node.pipeline();
    for (const key of keys) pipeline.unlink(key);
    for (const [error, count] of (await pipeline.exec()) ?? []) if (!error) deleted += Number(count);
  }
  return deleted;
}
