import type { RedisClient } from './redis-client.js';

export interface LexPageOptions<T> {
  /**
   * The sorted sets (all scores 0) whose members are time-ordered ids: one, or one per data shard,
   * merged into one newest-first sequence; or `{ ids }`, a short list already in hand (a request's
   * messages), paged the same way.
   */
  indexes: string[] | { ids: string[] };
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
 * The first `count` ids of the union of `indexes` strictly past `after` (exclusive; none: from the
 * start), newest first with `rev`, else oldest first. Each index gives its own first `count`, so the
 * first `count` of the merge are exact. `more` says whether any index holds ids past the last one.
 * `bound` is where the walk ends (inclusive) instead of the index's end.
 */
async function mergedIds(redis: RedisClient, indexes: LexPageOptions<unknown>['indexes'], options: { after?: string; count: number; rev: boolean; bound?: string }): Promise<{ ids: string[]; more: boolean }> {
  const { after, count, rev, bound } = options;
  const start = after ? `(${after}` : rev ? '+' : '-';
  const end = bound ? `[${bound}` : rev ? '-' : '+';
  const past = (id: string) => !after || (rev ? id < after : id > after);
  const within = (id: string) => !bound || (rev ? id >= bound : id <= bound);
  const lists = Array.isArray(indexes)
    ? await Promise.all(
        indexes.map((index) => (rev ? redis.zrange(index, start, end, 'BYLEX', 'REV', 'LIMIT', 0, count + 1) : redis.zrange(index, start, end, 'BYLEX', 'LIMIT', 0, count + 1))),
      )
    : [indexes.ids.filter((id) => past(id) && within(id))];
  const all = lists.flat().sort();
  if (rev) all.reverse();
  return { ids: all.slice(0, count), more: all.length > count };
}

/**
 * Newest-first page over lexicographic indexes of ULID ids. The cursor is the last id served, so
 * pages stay stable while new ids are added in front.
 */
export async function lexPage<T>(redis: RedisClient, options: LexPageOptions<T>): Promise<Page<T>> {
  const { indexes, limit, load } = options;
  const keep = options.keep ?? (() => true);
  const data: T[] = [];
  // A time window's end is where a first page starts: `below` itself is past every id it admits.
  let after = options.cursor ?? options.below;
  let scanned = 0;
  while (data.length < limit && scanned < MAX_SCANNED) {
    const count = options.keep ? Math.max(SCAN_CHUNK, limit) : limit - data.length;
    const { ids, more } = await mergedIds(redis, indexes, { after, count, rev: true, bound: options.oldest });
    if (ids.length === 0) return { data, nextCursor: null };
    const rows = await load(ids);
    for (let i = 0; i < ids.length; i++) {
      const row = rows[i];
      after = ids[i];
      if (row && keep(row)) {
        data.push(row);
        if (data.length === limit) return { data, nextCursor: i < ids.length - 1 || more ? after! : null };
      }
    }
    if (!more) return { data, nextCursor: null };
    scanned += ids.length;
  }
  return { data, nextCursor: after ?? null };
}
