import type { RedisClient } from './redis-client.js';

/** A record's hash and, when asked for, the list stored beside it (attempts, history). */
export interface RawRecord {
  hash: Record<string, string>;
  list: string[];
}

/**
 * Reads many records in one round trip: per id, HGETALL of `hashKey(id)` and, if `listKey` is
 * given, LRANGE of the whole `listKey(id)`. A missing record comes back as an empty hash.
 */
export async function readRecords(redis: RedisClient, ids: string[], hashKey: (id: string) => string, listKey?: (id: string) => string): Promise<RawRecord[]> {
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) {
    pipeline.hgetall(hashKey(id));
    if (listKey) pipeline.lrange(listKey(id), 0, -1);
  }
  const replies = (await pipeline.exec()) ?? [];
  const step = listKey ? 2 : 1;
  return ids.map((_, i) => ({
    hash: (replies[i * step]?.[1] as Record<string, string> | undefined) ?? {},
    list: listKey ? ((replies[i * step + 1]?.[1] as string[] | undefined) ?? []) : [],
  }));
}
