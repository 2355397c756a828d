import type { RedisClient } from './redis-client.js';

export interface LexPageOptions<T> {
  /**
   * The sorted set(s) (all scores 0) whose members are time-ordered ids. Several are read as their
   * union, in one MULTI so a record moving from one to another (a status change) is seen once.
   */
  index: string | string[];
  limit: number;
  /** Last id of the previous page. */
  cursor?: string;
  load: (ids: string[]) => Promise<(T | null)[]>;
  /** Extra filters the index cannot answer; rows that fail are skipped. */
  keep?: (row: T) => boolean;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

const SCAN_CHUNK = 200;
/** Bound on index entries read for one page when filters drop most rows. */
const MAX_SCANNED = 20_000;

/**
 * Up to `count` ids below `from` (a ZRANGE BYLEX bound), newest first, across `indexes`. Taking
 * the top `count` of each index and then of their union is exact: no id of the union's top can be
 * missing from its own index's top.
 */
async function topIds(redis: RedisClient, indexes: string[], from: string, count: number): Promise<string[]> {
  if (indexes.length === 1) return redis.zrange(indexes[0]!, from, '-', 'BYLEX', 'REV', 'LIMIT', 0, count);
  const multi = redis.multi();
  for (const index of indexes) multi.zrange(index, from, '-', 'BYLEX', 'REV', 'LIMIT', 0, count);
  const replies = (await multi.exec()) ?? [];
  const ids = new Set(replies.flatMap(([, ids]) => ids as string[]));
  return [...ids].sort().reverse().slice(0, count);
}

/**
 * Newest-first page over lexicographic indexes of ULID ids. The cursor is the last id served, so
 * pages stay stable while new ids are added in front. Ids whose record is gone (expired, not yet
 * swept from the index) are skipped, never served.
 */
export async function lexPage<T>(redis: RedisClient, options: LexPageOptions<T>): Promise<Page<T>> {
  const { limit, load } = options;
  const indexes = typeof options.index === 'string' ? [options.index] : options.index;
  const keep = options.keep ?? (() => true);
  const data: T[] = [];
  let from = options.cursor ? `(${options.cursor}` : '+';
  let scanned = 0;
  let lastScanned: string | undefined;
  while (data.length < limit && scanned < MAX_SCANNED) {
    const chunk = options.keep ? Math.max(SCAN_CHUNK, limit) : limit - data.length;
    const ids = await topIds(redis, indexes, from, chunk);
    if (ids.length === 0) return { data, nextCursor: null };
    const rows = await load(ids);
    for (let i = 0; i < ids.length; i++) {
      const row = rows[i];
      lastScanned = ids[i];
      if (row && keep(row)) {
        data.push(row);
        if (data.length === limit) {
          const more = i < ids.length - 1 || (await topIds(redis, indexes, `(${lastScanned}`, 1)).length > 0;
          return { data, nextCursor: more ? lastScanned! : null };
        }
      }
    }
    scanned += ids.length;
    from = `(${lastScanned}`;
  }
  return { data, nextCursor: lastScanned ?? null };
}
