import type { RedisClient } from './redis-client.js';
import { key } from './keys.js';
import { luaCommand } from './lua-command.js';

/** What the stores keep and for how long (DESIGN §10, Retention). */
export interface RetentionSettings {
  /** LINKER_RETENTION: how long a finished record is kept, ms. Default 30 days. */
  keepMs: number;
  /** LINKER_ACCOUNT_HISTORY: history entries kept per account. Default 50. */
  historyLimit: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { keepMs: 30 * 24 * 3600_000, historyLimit: 50 };

/** The settings of a validated environment. */
export function retentionOf(env: { LINKER_RETENTION: number; LINKER_ACCOUNT_HISTORY: number }): RetentionSettings {
  return { keepMs: env.LINKER_RETENTION, historyLimit: env.LINKER_ACCOUNT_HISTORY };
}

/**
 * A record that finished expires natively (PEXPIREAT) at `now + keepMs`. What native expiry cannot
 * do is drop the record's id from the indexes that list it, so the script that finishes a record
 * also adds an entry to the base's expiry index (`key.expiry`, scored by that same time) naming
 * what to drop; `sweepExpired` drops it once due. Entries are `id|field|…`: the id's prefix says
 * which kind of record it was, the fields are what its index keys are built from (ids, tenant ids
 * and statuses never hold a `|`).
 */
export const ENTRY_SEPARATOR = '|';

/** Where one due entry's id is listed: sorted sets to ZREM it from, and pointers to DEL if they still name it. */
interface Removal {
  id: string;
  indexes: string[];
  pointers: string[];
}

/** The expiry entry of a finished webhook message (record-delivery.lua writes the same): its id alone, one index lists it. */
export const messageExpiryEntry = (id: string) => id;

/** The index keys a due entry's record was listed under (see the scripts that add entries). */
function removalOf(base: string, entry: string): Removal | undefined {
  const [id = '', ...fields] = entry.split(ENTRY_SEPARATOR);
  if (id.startsWith('cr_')) {
    // A finished request (finish-request.lua): id|tenantId. Its batch's index expires with the batch.
    const [tenantId = ''] = fields;
    return { id, indexes: [key.requestIndex(base), key.requestsByStatus(base, 'linked'), key.requestsByStatus(base, 'failed'), key.requestsByTenant(base, tenantId)], pointers: [] };
  }
  if (id.startsWith('msg_')) {
    // A delivered or finally failed message (record-delivery.lua). Its request's result event lists it
    // and expires with the last of them (`outlive`), so the message index is the only one to trim.
    return { id, indexes: [key.messageIndex(base)], pointers: [] };
  }
  if (id.startsWith('acc_')) {
    // A revoked account (account-status.lua): id|provider|tenantId.
    const [provider = '', tenantId = ''] = fields;
    return {
      id,
      indexes: [key.accountIndex(base), key.accountsByStatus(base, 'revoked')],
      pointers: [key.accountByTenant(base, provider, tenantId)],
    };
  }
  return undefined;
}

const DROP_EXPIRED = `
-- KEYS[1] the expiry index; then each entry's keys, in the order ARGV describes.
-- ARGV[1] JSON {now, entries: [{entry, id, indexes: n, pointers: n}]}. An entry no longer in the
-- expiry index, or no longer due (its record came back to life meanwhile), is left alone.
local a = cjson.decode(ARGV[1])
local at, done = 2, 0
for _, e in ipairs(a.entries) do
  local score = redis.call('ZSCORE', KEYS[1], e.entry)
  local due = score and tonumber(score) <= a.now
  for i = at, at + e.indexes - 1 do
    if due then redis.call('ZREM', KEYS[i], e.id) end
  end
  at = at + e.indexes
  for i = at, at + e.pointers - 1 do
    if due and redis.call('GET', KEYS[i]) == e.id then redis.call('DEL', KEYS[i]) end
  end
  at = at + e.pointers
  if due then
    redis.call('ZREM', KEYS[1], e.entry)
    done = done + 1
  end
end
return done
`;


/** How often workers sweep: often enough that an index lags its records by a fraction of the retention, at most a minute. */
export function sweepIntervalMs(keepMs: number): number {
  return Math.min(60_000, Math.max(250, Math.round(keepMs / 4)));
}

export interface SweepOptions {
  /** LINKER_RETENTION, ms: a batch goes once its last part finished this long ago. */
  keepMs: number;
  /** Entries read and dropped per round trip. Default 200. */
  pageSize?: number;
  /** Most entries dropped per base in one run, so one run stays short however much fell due. Default 5000. */
  maxPerBase?: number;
  now?: number;
}

/**
 * A batch's parts (one counter hash per data shard it has requests in, lua/create-requests.lua) go
 * together, once every part is complete and the last completion is older than the retention, so
 * its counts stay whole and readable as long as any of its requests. Each part adds an expiry entry
 * (its id) when it completes; the first due one that finds the whole batch finished removes it.
 */
async function dropFinishedBatch(redis: RedisClient, siblings: string[], id: string, keepMs: number, now: number): Promise<void> {
  const parts = await Promise.all(siblings.map((base) => redis.hmget(key.batch(base, id), 'id', 'completedAt')));
  const present = parts.filter(([partId]) => partId);
  const finished = present.every(([, completedAt]) => completedAt && Date.parse(completedAt) + keepMs <= now);
  // A part still open, or finished later, has an entry of its own that comes due later.
  if (!finished) return;
  await Promise.all(siblings.flatMap((base) => [redis.del(key.batch(base, id)), redis.del(key.requestsByBatch(base, id))]));
}

/**
 * Drops due entries of the given bases' expiry indexes from the indexes they name. Incremental and
 * bounded (pageSize × pages per base); any number of processes may run it at once, since each
 * entry's removal is one atomic, repeatable step in its base's slot (a batch's parts, in several
 * slots, are removed only once all are finished for a retention period, which nothing undoes).
 * `platforms` holds, per platform, the bases of all its data shards. Returns how many it dropped.
 */
export async function sweepExpired(redis: RedisClient, platforms: string[][], options: SweepOptions): Promise<number> {
  const { pageSize = 200, maxPerBase = 5000, now = Date.now(), keepMs } = options;
  const drop = luaCommand(redis, 'al_dropExpired', () => DROP_EXPIRED);
  let dropped = 0;
  for (const siblings of platforms) {
    for (const base of siblings) {
      const expiry = key.expiry(base);
      for (let handled = 0; handled < maxPerBase; ) {
        const due = await redis.zrange(expiry, '-inf', now, 'BYSCORE', 'LIMIT', 0, pageSize);
        if (due.length === 0) break;
        for (const entry of due.filter((e) => e.startsWith('bat_'))) await dropFinishedBatch(redis, siblings, entry, keepMs, now);
        const keys = [expiry];
        const entries = [];
        for (const entry of due) {
          const removal = removalOf(base, entry) ?? { id: '', indexes: [], pointers: [] };
          keys.push(...removal.indexes, ...removal.pointers);
          entries.push({ entry, id: removal.id, indexes: removal.indexes.length, pointers: removal.pointers.length });
        }
        dropped += Number(await drop(keys.length, ...keys, JSON.stringify({ now, entries })));
        handled += due.length;
        if (due.length < pageSize) break;
      }
    }
  }
  return dropped;
}
