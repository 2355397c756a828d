import type { Redis } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import { queuePrefix } from './keys.js';

/** The queues' keys: one queue shard's `{prefix:q}`, or several shards' `{prefix:qN}` (src/queues/queue-shards.ts). */
const queuePatterns = (prefix: string) => [`${queuePrefix(prefix)}*`, `{${prefix}:q[0-9]*`];

/**
 * Every key a service with this LINKER_REDIS_PREFIX wrote (its records and its queues), a SCAN
 * page at a time with the node that holds it. On a cluster each master is scanned, since SCAN
 * only sees the keys of the node it runs on.
 */
export async function* prefixKeyPages(redis: RedisClient, prefix: string, count = 1000, { queues = true }: { queues?: boolean } = {}): AsyncGenerator<{ node: Redis; keys: string[] }> {
  const nodes: Redis[] = 'nodes' in redis && typeof redis.nodes === 'function' && redis.isCluster ? redis.nodes('master') : [redis as Redis];
  for (const node of nodes) {
    for (const match of queues ? [`${prefix}:*`, ...queuePatterns(prefix)] : [`${prefix}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', count);
        cursor = next;
        if (keys.length > 0) yield { node, keys };
      } while (cursor !== '0');
    }
  }
}
