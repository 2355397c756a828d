import type { Redis } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import { queuePrefix } from './keys.js';

/**
 * Deletes every key a service with this LINKER_REDIS_PREFIX wrote: its records and its queues. On
 * a cluster each master is scanned, since SCAN only sees the keys of the node it runs on.
 */
export async function deleteByPrefix(redis: RedisClient, prefix: string): Promise<number> {
  const nodes: Redis[] = 'nodes' in redis && typeof redis.nodes === 'function' && redis.isCluster ? redis.nodes('master') : [redis as Redis];
  let deleted = 0;
  for (const node of nodes) {
    for (const match of [`${prefix}:*`, `${queuePrefix(prefix)}*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        cursor = next;
        // One UNLINK per key, pipelined: on a cluster the keys of one page can live in different slots.
        const pipeline = node.pipeline();
        for (const key of keys) pipeline.unlink(key);
        for (const [error, count] of (await pipeline.exec()) ?? []) if (!error) deleted += Number(count);
      } while (cursor !== '0');
    }
  }
  return deleted;
}
