import type { RedisClient } from './redis-client.js';
import { positionsByShard } from '../domain/shards.js';

/** A record's hash and, when asked for, the list stored beside it (attempts, history). */
export interface RawRecord {
  hash: Record<string, string>;
  list: string[];
}

/**
 * Reads many sharded records in one round trip: per id, HGETALL of `hashKey(id)` and, if `listKey`
 * is given, LRANGE of the whole `listKey(id)`. One pipeline per data shard (a cluster pipeline must
 * stay on one node), all sent at once. A missing record comes back as an empty hash.
 */
export async function readRecords(redis: RedisClient, ids: string[], hashKey: (id: string) => string, listKey?: (id: string) => string): Promise<RawRecord[]> {
  const out: RawRecord[] = ids.map(() => ({ hash: {}, list: [] }));
  await Promise.all(
    [...positionsByShard(ids).values()].map(async (positions) => {
      const pipeline = redis.pipeline();
      for (const i of positions) {
        pipeline.hgetall(hashKey(ids[i]!));
        if (listKey) pipeline.lrange(listKey(ids[i]!), 0, -1);
      }
      const replies = (await pipeline.exec()) ?? [];
      const step = listKey ? 2 : 1;
      positions.forEach((i, n) => {
        out[i] = {
          hash: (replies[n * step]?.[1] as Record<string, string> | undefined) ?? {},
          list: listKey ? ((replies[n * step + 1]?.[1] as string[] | undefined) ?? []) : [],
        };
      });
    }),
  );
  return out;
}
