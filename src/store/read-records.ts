import type { RedisClient } from './redis-client.js';

/** A record's hash and, when asked for, the entries stored beside it (attempts, history). */
export interface RawRecord {
  hash: Record<string, string>;
  list: string[];
}

/** Where a record's entries live: a Redis list (account history) or a log string of JSON lines (attempts, lua/lib.lua logLine). */
export type EntriesKey = { list: (id: string) => string } | { log: (id: string) => string };

/** The entries of an attempt log, oldest first. */
export const logEntries = (log: string | null | undefined): string[] => (log ? log.split('\n').filter(Boolean) : []);

/**
 * Reads many records in one round trip: per id, HGETALL of `hashKey(id)` and, if `entries` is
 * given, all its entries. A missing record comes back as an empty hash.
 */
export async function readRecords(redis: RedisClient, ids: string[], hashKey: (id: string) => string, entries?: EntriesKey): Promise<RawRecord[]> {
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) {
    pipeline.hgetall(hashKey(id));
    if (entries && 'list' in entries) pipeline.lrange(entries.list(id), 0, -1);
    else if (entries) pipeline.get(entries.log(id));
  }
  const replies = (await pipeline.exec()) ?? [];
  const step = entries ? 2 : 1;
  const entriesOf = (reply: unknown): string[] => (Array.isArray(reply) ? (reply as string[]) : logEntries(reply as string | null));
  return ids.map((_, i) => ({
    hash: (replies[i * step]?.[1] as Record<string, string> | undefined) ?? {},
    list: entries ? entriesOf(replies[i * step + 1]?.[1]) : [],
  }));
}
