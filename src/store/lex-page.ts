import type { RedisClient } from './redis-client.js';

export interface LexPageOptions<T> {
  /** The sorted set (all scores 0) whose members are time-ordered ids. */
  index: string;
  limit: number;
  /** Last id of the previous page. */
  cursor?: string;
  load: (ids: string[]) => Promise<(T | null)[]>;
  /** Extra filters the index cannot answer; rows that fail are skipped. */
  keep?: (row: T) => boolean;
  /** Only ids at or above this one (a time window's start, for ULID ids). */
  oldest?: string;
  /** Only ids below this one (a time window's end). */
  below?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

const SCAN_CHUNK = 200;
/** Bound on index entries read for one page when filters drop most rows. */
const MAX_SCANNED = 20_000;

/**
 * Newest-first page over a lexicographic index of ULID ids. The cursor is the last id served, so
 * pages stay stable while new ids are added in front.
 */
export async function lexPage<T>(redis: RedisClient, options: LexPageOptions<T>): Promise<Page<T>> {
  const { index, limit, load } = options;
  const keep = options.keep ?? (() => true);
  const data: T[] = [];
  const last = options.cursor ?? options.below;
  let from = last ? `(${last}` : '+';
  const to = options.oldest ? `[${options.oldest}` : '-';
  let scanned = 0;
  let lastScanned: string | undefined;
  while (data.length < limit && scanned < MAX_SCANNED) {
    const chunk = options.keep ? Math.max(SCAN_CHUNK, limit) : limit - data.length;
    const ids = await redis.zrange(index, from, to, 'BYLEX', 'REV', 'LIMIT', 0, chunk);
    if (ids.length === 0) return { data, nextCursor: null };
    const rows = await load(ids);
    for (let i = 0; i < ids.length; i++) {
      const row = rows[i];
      lastScanned = ids[i];
      if (row && keep(row)) {
        data.push(row);
        if (data.length === limit) {
          const more = i < ids.length - 1 || (await redis.zrange(index, `(${lastScanned}`, to, 'BYLEX', 'REV', 'LIMIT', 0, 1)).length > 0;
          return { data, nextCursor: more ? lastScanned! : null };
        }
      }
    }
    scanned += ids.length;
    from = `(${lastScanned}`;
  }
  return { data, nextCursor: lastScanned ?? null };
}
