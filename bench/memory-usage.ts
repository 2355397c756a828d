import { redisFootprint, type Footprint } from './redis-footprint.js';
import { submitTenants, waitSettled, type BenchTenant } from './bulk-links.js';
import { startBenchService } from './bench-service.js';

export interface MemoryUsage {
  tenants: number;
  activeAccounts: number;
  finishedRequests: number;
  /** Account, credential, history, tenant pointer and index entries, per active account. */
  bytesPerActiveAccount: number;
  /** Request, attempts, result event, webhook message with its attempts, batch share, index and expiry entries. */
  bytesPerFinishedRequest: number;
  footprint: Footprint;
}

/**
 * Links `n` tenants (one in ten with a key the provider refuses) with one webhook endpoint
 * subscribed, waits until every request is final and every webhook delivered, then reads the
 * `MEMORY USAGE` of every key the service wrote.
 */
export async function measureMemory(options: { redisUrl: string; n: number }): Promise<MemoryUsage> {
  const bench = await startBenchService({ redisUrl: options.redisUrl });
  try {
    const tenants: BenchTenant[] = Array.from({ length: options.n }, (_, i) => ({ tenantId: `tenant-${i}`, kind: i % 10 === 9 ? 'invalid' : 'valid' }));
    const batches = await waitSettled(bench.client, await submitTenants(bench.client, tenants, 'memory'), Math.max(120_000, options.n * 20));
    const footprint = await redisFootprint(bench.redis, bench.prefix);
    const activeAccounts = batches.reduce((n, b) => n + b.counts.linked, 0);
    const finishedRequests = batches.reduce((n, b) => n + b.counts.linked + b.counts.failed, 0);
    const { accounts, requests, messages, batches: batchBytes, retention } = footprint.groups;
    return {
      tenants: options.n,
      activeAccounts,
      finishedRequests,
      bytesPerActiveAccount: Math.round(accounts.bytes / activeAccounts),
      bytesPerFinishedRequest: Math.round((requests.bytes + messages.bytes + batchBytes.bytes + retention.bytes) / finishedRequests),
      footprint,
    };
  } finally {
    await bench.close();
  }
}
