import type { RedisClient } from '../src/store/redis-client.js';
import { BatchStore } from '../src/store/batch-store.js';
import { ServiceClient } from './service-client.js';
import { OTHER_PLATFORM } from './service-process.js';
import { completionTimes, waitForBatches } from './confirmation-times.js';
import { measureLatency, type LatencyResult } from './measure-latency.js';
import { settleTimeoutMs, submitBulk } from './measure-throughput.js';

export interface InteractiveResult extends LatencyResult {
  /** The other platform's bulk. */
  bulkN: number;
  /** Requests of that bulk still not final once the last single link was confirmed: the bulk was queued throughout. */
  bulkLeftAtEnd: number;
}

export interface FairShareResult {
  perPlatform: number;
  /** Links per second of each platform while both had a backlog. */
  ratesPerS: [number, number];
  /** Slower ÷ faster of the two. */
  fairShare: number;
  windowMs: number;
}

async function unfinished(redis: RedisClient, prefix: string, platformId: string, batchIds: string[]): Promise<number> {
  const batches = new BatchStore(redis, prefix);
  const read = await Promise.all(batchIds.map((id) => batches.get(platformId, id)));
  return read.reduce((sum, b) => sum + (b ? b.counts.queued + b.counts.validating + b.counts.retrying : 0), 0);
}

/**
 * Single links of the bench platform at `ratePerS` while another platform's `bulkN`-tenant bulk is
 * queued (a quarter of it before the first single, the rest sent alongside); latency is accept →
 * confirmed, as in the latency run.
 */
export async function measureInteractive(
  url: string,
  redis: RedisClient,
  prefix: string,
  options: { bulkN: number; ratePerS: number; count: number },
  tag: string,
): Promise<InteractiveResult> {
  const other = new ServiceClient(url, 4, OTHER_PLATFORM);
  const single = new ServiceClient(url, 4);
  try {
    // A quarter of the bulk is queued before the first single link; the rest keeps arriving meanwhile.
    const head = Math.round(options.bulkN / 4);
    const first = await submitBulk(other, head, `${tag}-bulk`);
    const [rest, latency] = await Promise.all([
      submitBulk(other, options.bulkN - head, `${tag}-bulk-rest`),
      measureLatency(single, redis, prefix, { ratePerS: options.ratePerS, count: options.count, warmup: 0 }, `${tag}-single`),
    ]);
    const batchIds = [...first.batchIds, ...rest.batchIds];
    const bulkLeftAtEnd = await unfinished(redis, prefix, OTHER_PLATFORM.id, batchIds);
    await waitForBatches(redis, prefix, batchIds, settleTimeoutMs(options.bulkN), OTHER_PLATFORM.id);
    return { ...latency, bulkN: options.bulkN, bulkLeftAtEnd };
  } finally {
    await Promise.all([other.close(), single.close()]);
  }
}

/**
 * Two platforms submit `n` tenants each at once (their bulk calls interleaved); each one's link
 * rate counts its requests finished between the moment both were being served and the moment the
 * first of them ran out of work.
 */
export async function measureFairShare(url: string, redis: RedisClient, prefix: string, options: { n: number; receiverUrl: string }, tag: string): Promise<FairShareResult> {
  const { n } = options;
  const clients = [new ServiceClient(url, 4), new ServiceClient(url, 4, OTHER_PLATFORM)] as const;
  try {
    // Both platforms get their results delivered, so they cost the service the same.
    await clients[1].subscribe(options.receiverUrl);
    const submitted = await Promise.all(clients.map((client, i) => submitBulk(client, n, `${tag}-${i}`)));
    await Promise.all(clients.map((client, i) => waitForBatches(redis, prefix, submitted[i]!.batchIds, settleTimeoutMs(2 * n), client.platform.id)));
    const times = await Promise.all(clients.map((client, i) => completionTimes(redis, prefix, client.platform.id, submitted[i]!.ids)));
    const from = Math.max(...times.map((t) => Math.min(...t)));
    const to = Math.min(...times.map((t) => Math.max(...t)));
    const windowMs = Math.max(1, to - from);
    const rates = times.map((t) => (1000 * t.filter((at) => at >= from && at <= to).length) / windowMs) as [number, number];
    return { perPlatform: n, ratesPerS: rates, fairShare: Math.min(...rates) / Math.max(...rates), windowMs };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}
