import calculateSlot from 'cluster-key-slot';

/** Redis Cluster slots. */
export const CLUSTER_SLOTS = 16384;

/**
 * `count` hash tags whose slots spread evenly over the cluster: tag i is the first string
 * `${label}${n}` (n = 0, 1, …) whose CRC16 slot falls in the i-th of `count` equal slot ranges.
 * A cluster's masters own contiguous slot ranges, so consecutive shards land on different masters
 * and each master gets about count / masters of them.
 */
export function slotSpreadTags(count: number, label: string): string[] {
  return Array.from({ length: count }, (_, i) => {
    const from = Math.floor((i * CLUSTER_SLOTS) / count);
    const to = Math.floor(((i + 1) * CLUSTER_SLOTS) / count);
    for (let n = 0; ; n++) {
      const tag = `${label}${n}`;
      const slot = calculateSlot(tag);
      if (slot >= from && slot < to) return tag;
    }
  });
}
