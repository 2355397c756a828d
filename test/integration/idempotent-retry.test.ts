import { afterAll, beforeAll, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { seededId } from '../../src/domain/ids.js';
import { DATA_SHARDS, shardOf } from '../../src/domain/shards.js';
import { submitConnectRequests } from '../../src/services/submit-connect-requests.js';
import { IDEMPOTENCY_KEY_SPACE, requestFingerprint } from '../../src/api/idempotency.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('idem-retry', { workers: false, env: { LINKER_IDEMPOTENCY_LEASE: '1s' } });
});
afterAll(async () => h?.close());

it('a retry after a call died midway finishes the same batch instead of creating a second one', async () => {
  const items = Array.from({ length: 4 }, (_, i) => ({ tenantId: `retry-${i}`, provider: 'smartrecruiters' as const, credentials: { apiKey: simKey('valid', `retry-${i}`) } }));
  const body = { items };
  // The first call claims the key, stores its requests and dies before answering.
  const claim = await h.rt.idempotency.begin('acme', IDEMPOTENCY_KEY_SPACE, 'key-1', requestFingerprint('bulk', body));
  expect(claim.state).toBe('new');
  if (claim.state !== 'new') return;
  const batchId = seededId('batch', claim.seed, 0, claim.seed.time % DATA_SHARDS);
  await submitConnectRequests(h.rt, 'acme', items, { batchId, seed: claim.seed });

  // A retry waits while the dead call's lease holds, then takes the key over with the same seed.
  const retry = await h.api('POST', '/v1/connect-requests/bulk', { body, headers: { 'idempotency-key': 'key-1' } });
  expect(retry.status).toBe(202);

  expect(retry.body.batchId).toBe(batchId);
  expect(retry.body.accepted.map((a: { id: string }) => a.id)).toEqual(items.map((item, i) => seededId('connectRequest', claim.seed, i, shardOf('acme', item.tenantId))));
  expect(retry.body.rejected).toEqual([]);
  const listed = (await h.api('GET', '/v1/connect-requests?limit=100')).body.data;
  expect(listed).toHaveLength(4);
  const batch = (await h.api('GET', `/v1/batches/${batchId}`)).body;
  expect(batch.total).toBe(4);
  expect(batch.counts.queued).toBe(4);

  // From now on the key replays the answer.
  const replay = await h.api('POST', '/v1/connect-requests/bulk', { body, headers: { 'idempotency-key': 'key-1' } });
  expect(replay.headers['idempotent-replayed']).toBe('true');
  expect(replay.body).toEqual(retry.body);
});
