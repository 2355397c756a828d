/**
 * Data shards: a platform's per-tenant records (requests, credentials, accounts, messages, batch
 * counters, per-tenant indexes) live in one of DATA_SHARDS shards, chosen by a stable hash of
 * (platformId, tenantId), so one platform's data spreads over every master of a Redis Cluster
 * while all of one tenant's records stay together (one slot per Lua script).
 *
 * 16: enough that up to ~8 masters each get about their share (3 masters: 6/5/5 shards), few
 * enough that a list page or a batch read (one command per shard) stays cheap. Ids encode their
 * shard in one Crockford character (see ids.ts), so the count may never exceed 32, and changing it
 * moves every tenant: docs/operations.md says how.
 */
export const DATA_SHARDS = 16;

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser so every low bit depends on every input bit. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The data shard of a tenant of a platform: the same on every process and every release. */
export function shardOf(platformId: string, tenantId: string): number {
  // A newline cannot appear in a platform id, so ("a", "b\nc") and ("a\nb", "c") never collide.
  return hash32(`${platformId}\n${tenantId}`) % DATA_SHARDS;
}

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** The character an id's body ends with to name its shard. */
export function shardChar(shard: number): string {
  if (!Number.isInteger(shard) || shard < 0 || shard >= DATA_SHARDS) throw new RangeError(`shard ${shard} is outside 0..${DATA_SHARDS - 1}`);
  return CROCKFORD[shard]!;
}

/**
 * The data shard a sharded record's id (cr_, acc_, msg_, bat_) names in its last character. Only
 * meaningful for a well-formed id (isId); anything else maps to some shard where it is not found.
 */
export function shardOfId(id: string): number {
  const value = CROCKFORD.indexOf(id.at(-1)?.toLowerCase() ?? '');
  return value < 0 ? 0 : value % DATA_SHARDS;
}

/** Every shard index, for reads that merge all shards. */
export const ALL_SHARDS: readonly number[] = Array.from({ length: DATA_SHARDS }, (_, i) => i);

/** Positions of `ids` (sharded record ids) grouped by the shard each names: one group per script call or pipeline. */
export function positionsByShard(ids: readonly string[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  ids.forEach((id, i) => {
    const shard = shardOfId(id);
    const group = groups.get(shard);
    if (group) group.push(i);
    else groups.set(shard, [i]);
  });
  return groups;
}
