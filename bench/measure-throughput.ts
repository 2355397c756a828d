import { simKey } from '../src/sim/index.js';
import type { RedisClient } from '../src/store/redis-client.js';
import type { ServiceClient } from './service-client.js';
import { confirmationTimes, waitForBatches } from './confirmation-times.js';

export interface ThroughputResult {
  n: number;
  elapsedMs: number;
  perS: number;
}

const BULK_SIZE = 1000;

/** Submits `n` tenants through the bulk API, 1,000 per call, as the client's platform. */
export async function submitBulk(client: ServiceClient, n: number, tag: string): Promise<{ ids: string[]; batchIds: string[] }> {
  const ids: string[] = [];
  const batchIds: string[] = [];
  for (let from = 0; from < n; from += BULK_SIZE) {
    const items = [];
    for (let i = from; i < Math.min(n, from + BULK_SIZE); i++) {
      items.push({ tenantId: `${tag}-${i}`, provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', `${tag}-${i}`) } });
    }
    const { body } = await client.call<{ batchId: string; accepted: { id: string }[]; rejected: unknown[] }>('POST', '/v1/connect-requests/bulk', { items });
    if (body.rejected.length) throw new Error(`the service rejected ${body.rejected.length} bench items: ${JSON.stringify(body.rejected[0])}`);
    ids.push(...body.accepted.map((a) => a.id));
    batchIds.push(body.batchId);
  }
  return { ids, batchIds };
}

/** How long the bench waits for `n` links to settle. */
export const settleTimeoutMs = (n: number) => Math.max(120_000, n * 20);

/** Links `n` tenants through the bulk API and times the first POST to the last confirmation. */
export async function measureThroughput(client: ServiceClient, redis: RedisClient, prefix: string, n: number, tag: string): Promise<ThroughputResult> {
  const started = Date.now();
  const { ids, batchIds } = await submitBulk(client, n, tag);
  const timeoutMs = settleTimeoutMs(n);
  await waitForBatches(redis, prefix, batchIds, timeoutMs);
  const times = await confirmationTimes(redis, prefix, ids, timeoutMs);
  const last = Math.max(...times.map((t) => t.confirmedAt));
  const elapsedMs = last - started;
  return { n, elapsedMs, perS: n / (elapsedMs / 1000) };
}
