import type { Runtime } from '../runtime/runtime.js';
import type { ConnectRequestInput } from '../domain/schemas/connect-request.js';
import { newShardedId, seededId, type IdSeed } from '../domain/ids.js';
import { shardOf } from '../domain/shards.js';
import { credentialAad } from '../crypto/credential-aad.js';

export type Submitted = { id: string } | { id?: undefined; inFlightId: string };

/**
 * Encrypts, stores and enqueues valid inputs; returns per input either its new id or the in-flight
 * id. The one way a key enters the pipeline: the platform API and the Connect Hub both use it.
 * A submit with a `batchId` is bulk work (fair-share batch jobs); one without is interactive and
 * goes ahead of any queued bulk work. Under an Idempotency-Key the ids come from its seed, so a
 * retry after a crash finds the records the first try stored (and enqueues any it could not)
 * instead of creating new ones.
 */
export async function submitConnectRequests(
  rt: Runtime,
  platformId: string,
  inputs: ConnectRequestInput[],
  options: { batchId?: string; seed?: IdSeed; now?: Date } = {},
): Promise<Submitted[]> {
  const { batchId, seed, now = new Date() } = options;
  // Each id names its tenant's data shard, where the request, its tenant's in-flight slot and account live.
  const items = inputs.map((input, index) => {
    const shard = shardOf(platformId, input.tenantId);
    return {
      id: seed ? seededId('connectRequest', seed, index, shard) : newShardedId('connectRequest', shard),
      tenantId: input.tenantId,
      provider: input.provider,
      metadata: input.metadata,
      encryptedCredential: rt.vault.encrypt(input.credentials.apiKey, credentialAad(platformId, input.provider, input.tenantId)),
    };
  });
  const results = await rt.requests.create(platformId, items, batchId, now);
  const accepted = items.filter((_, i) => results[i]!.accepted);
  await rt.producers.enqueueValidations(platformId, accepted.map((item) => item.id), { batchId });
  rt.metrics.requestsAccepted(accepted.length);
  return items.map((item, i) => {
    const r = results[i]!;
    return r.accepted ? { id: item.id } : { inFlightId: r.inFlightId };
  });
}
