import type { Harness } from './harness.js';

/**
 * Every stored record under the harness' prefix, keys and values, sorted: two equal snapshots mean
 * nothing was stored or changed. Rate-limit counters (which every request moves, by design), the
 * drain meter's expiring buckets (src/store/drain-meter.ts) and BullMQ's own bookkeeping keys are
 * left out.
 */
export async function storedData(h: Harness): Promise<string[]> {
  const prefix = `${h.rt.env.LINKER_REDIS_PREFIX}:`;
  return (await h.dumpRedis())
    .split('\n')
    .filter((line) => line.startsWith(prefix) && !line.includes(':rate-limit:') && !line.includes(':{global}:drained:'))
    .sort();
}
