import type { Batch, ConnectRequest, LinkerClient } from '../../client/index.js';
import type { PlannedTenant } from './tenant-mix.js';

export interface SubmittedBatches {
  batchIds: string[];
  /** tenantId → connect request id */
  requestIds: Map<string, string>;
  rejected: number;
}

/**
 * Sends the tenants through POST /v1/connect-requests/bulk in chunks, round-robin over `clients`
 * (API replicas share nothing, so any replica may take any chunk).
 */
export async function bulkLink(clients: LinkerClient[], tenants: PlannedTenant[], chunkSize = 1000): Promise<SubmittedBatches> {
  const result: SubmittedBatches = { batchIds: [], requestIds: new Map(), rejected: 0 };
  for (let start = 0, n = 0; start < tenants.length; start += chunkSize, n++) {
    const chunk = tenants.slice(start, start + chunkSize);
    const items = chunk.map((t) => ({ tenantId: t.tenantId, provider: 'smartrecruiters' as const, credentials: { apiKey: t.apiKey } }));
    const answer = await clients[n % clients.length]!.linkBulk(items);
    result.batchIds.push(answer.batchId);
    for (const { index, id } of answer.accepted) result.requestIds.set(chunk[index]!.tenantId, id);
    result.rejected += answer.rejected.length;
  }
  return result;
}

const finished = (b: Batch) => b.counts.linked + b.counts.failed;
const settled = (b: Batch) => b.confirmation.confirmed + b.confirmation.unconfirmed + b.confirmation.not_required;

/**
 * Polls the batches until every request is final and, when `confirmations` is set, its webhook
 * confirmation settled too. `onProgress` sees the summed counts on every poll.
 */
export async function waitForBatches(
  client: LinkerClient,
  batchIds: string[],
  options: { confirmations?: boolean; timeoutMs?: number; intervalMs?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<Batch[]> {
  const { confirmations = true, timeoutMs = 120_000, intervalMs = 200 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batches = await Promise.all(batchIds.map((id) => client.getBatch(id)));
    const total = batches.reduce((s, b) => s + b.total, 0);
    const done = batches.reduce((s, b) => s + (confirmations ? Math.min(finished(b), settled(b)) : finished(b)), 0);
    options.onProgress?.(done, total);
    if (done === total) return batches;
    if (Date.now() > deadline) throw new Error(`${total - done} of ${total} requests still unfinished after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Every request of a batch, attempts included. */
export async function listBatchRequests(client: LinkerClient, batchId: string): Promise<ConnectRequest[]> {
  const out: ConnectRequest[] = [];
  for await (const request of client.paginate('/v1/connect-requests', { batchId, limit: 500 })) out.push(request);
  return out;
}
