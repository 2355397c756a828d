import { simKey } from '../src/sim/index.js';
import type { Batch } from '../src/domain/schemas/batch.js';
import type { ServiceClient } from './service-client.js';

export interface BenchTenant {
  tenantId: string;
  /** A simulator key kind: `valid` links, `invalid` fails with invalid_credentials. */
  kind: 'valid' | 'invalid';
}

const BULK_SIZE = 1000;

/**
 * Submits tenants through the bulk API, each with a small metadata object as a platform would
 * send (a reference into its own system); returns the batch ids.
 */
export async function submitTenants(client: ServiceClient, tenants: BenchTenant[], keySeed: string): Promise<string[]> {
  const batchIds: string[] = [];
  for (let from = 0; from < tenants.length; from += BULK_SIZE) {
    const items = tenants.slice(from, from + BULK_SIZE).map(({ tenantId, kind }) => ({
      tenantId,
      provider: 'smartrecruiters',
      credentials: { apiKey: simKey(kind, `${keySeed}-${tenantId}`) },
      metadata: { crmId: `crm-${tenantId}` },
    }));
    const { body } = await client.call<{ batchId: string; rejected: { error: { code: string } }[] }>('POST', '/v1/connect-requests/bulk', { items });
    // A tenant still in flight is a fact of the traffic (a re-link too soon), anything else a bench bug.
    const refused = body.rejected.filter((r) => r.error.code !== 'in_flight');
    if (refused.length) throw new Error(`the service rejected ${refused.length} bench items: ${JSON.stringify(refused[0])}`);
    batchIds.push(body.batchId);
  }
  return batchIds;
}

/** Waits until every batch is complete with no webhook pending; returns the batches. */
export async function waitSettled(client: ServiceClient, batchIds: string[], timeoutMs: number): Promise<Batch[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batches = await Promise.all(batchIds.map(async (id) => (await client.call<Batch>('GET', `/v1/batches/${id}`)).body));
    if (batches.every((b) => b.completedAt && b.confirmation.pending === 0)) return batches;
    if (Date.now() > deadline) throw new Error(`batches did not settle within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
