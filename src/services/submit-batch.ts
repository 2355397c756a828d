import type { Runtime } from '../runtime/runtime.js';
import type { ConnectRequestInput } from '../domain/schemas/connect-request.js';
import { newShardedId, seededId, type IdSeed } from '../domain/ids.js';
import { DATA_SHARDS } from '../domain/shards.js';
import { submitConnectRequests } from './submit-connect-requests.js';

/** A bulk item that passed input validation, with its position in the call. */
export interface BatchItem {
  index: number;
  input: ConnectRequestInput;
}

/** Why a valid item of a batch was not accepted. */
export interface BatchRejection {
  index: number;
  error: { code: 'duplicate_in_batch' | 'in_flight'; message: string; inFlightId?: string };
}

/** A new batch id; under an Idempotency-Key the seed's, so a retried call names the same batch. */
export function newBatchId(seed?: IdSeed): string {
  // The batch's home shard (its counters exist there from the start) can be any: creation time spreads them.
  const home = (seed?.time ?? Date.now()) % DATA_SHARDS;
  return seed ? seededId('batch', seed, 0, home) : newShardedId('batch', home);
}

/** Only the first item per tenant goes on; later ones are rejected as duplicates. */
export function firstPerTenant(items: BatchItem[]): { unique: BatchItem[]; duplicates: BatchRejection[] } {
  const seen = new Set<string>();
  const unique: BatchItem[] = [];
  const duplicates: BatchRejection[] = [];
  for (const item of items) {
    const tenantKey = `${item.input.provider}/${item.input.tenantId}`;
    if (seen.has(tenantKey)) {
      duplicates.push({ index: item.index, error: { code: 'duplicate_in_batch', message: `tenant "${item.input.tenantId}" appears earlier in this batch; only the first is accepted` } });
    } else {
      seen.add(tenantKey);
      unique.push(item);
    }
  }
  return { unique, duplicates };
}

/**
 * Stores and queues a batch's items as bulk work; an item whose tenant already has a request in
 * flight is rejected with that request's id. Called even with no items, so the batch exists
 * (total 0) for the id the caller returns.
 */
export async function submitBatch(
  rt: Runtime,
  platformId: string,
  items: BatchItem[],
  options: { batchId: string; seed?: IdSeed },
): Promise<{ accepted: { index: number; id: string }[]; rejected: BatchRejection[] }> {
  const results = await submitConnectRequests(rt, platformId, items.map((item) => item.input), options);
  const accepted: { index: number; id: string }[] = [];
  const rejected: BatchRejection[] = [];
  results.forEach((result, i) => {
    const { index, input } = items[i]!;
    if (result.id !== undefined) accepted.push({ index, id: result.id });
    else rejected.push({ index, error: { code: 'in_flight', message: `tenant "${input.tenantId}" already has connect request ${result.inFlightId} in flight`, inFlightId: result.inFlightId } });
  });
  return { accepted, rejected };
}
