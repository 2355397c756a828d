import { afterAll, beforeAll, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { newShardedId } from '../../src/domain/ids.js';
import { shardOf } from '../../src/domain/shards.js';
import { credentialAad } from '../../src/crypto/credential-aad.js';
import { requeueStranded } from '../../src/queues/requeue-stranded.js';
import { bulkRuns } from '../../src/queues/producers.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('stranded');
});
afterAll(async () => h?.close());

const linked = (id: string) =>
  waitFor(async () => {
    const r = (await h.api('GET', `/v1/connect-requests/${id}`)).body;
    return r.status === 'linked' ? r : undefined;
  }, { what: `${id} to link` });

it('requests stored by an API that died before enqueueing are found and linked; requests with a job are left alone', async () => {
  // What a killed API leaves behind: requests in Redis, their jobs never queued. Five from single
  // submits, three from one bulk submit.
  const stored = (n: number, name: string) =>
    Array.from({ length: n }, (_, i) => {
      const tenantId = `${name}-${i}`;
      return { id: newShardedId('connectRequest', shardOf('acme', tenantId)), tenantId, provider: 'smartrecruiters' as const, encryptedCredential: h.rt.vault.encrypt(simKey('valid', tenantId), credentialAad('acme', 'smartrecruiters', tenantId)) };
    });
  const singles = stored(5, 'stranded');
  for (const item of singles) await h.rt.requests.create('acme', [item]);
  const lostBatch = stored(3, 'stranded-bulk');
  const lostBatchId = newShardedId('batch', 0);
  await h.rt.requests.create('acme', lostBatch, lostBatchId);

  await h.rt.producers.validate.pause();
  let single: string, bulk: string[];
  try {
    // Queued while nothing runs: one request in its own job, three sharing a batch job.
    single = (await h.api('POST', '/v1/connect-requests', { body: { tenantId: 'single', provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', 'single') } } })).body.id;
    const res = await h.api('POST', '/v1/connect-requests/bulk', {
      body: { items: [0, 1, 2].map((i) => ({ tenantId: `bulk-${i}`, provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', `bulk-${i}`) } })) },
    });
    expect(res.status, res.text).toBe(202);
    bulk = res.body.accepted.map((a: { id: string }) => a.id);
    expect(bulk).toHaveLength(3);
    const [run] = bulkRuns(bulk);
    expect(await h.rt.producers.validate.getJob(`b-${run![0]}`)).toMatchObject({ name: 'batch', data: { ids: run } });

    // A worker that died after recording a first attempt's 503, before queueing attempt 2's job.
    await h.rt.requests.transition('acme', bulk[2]!, { to: 'validating' });
    await h.rt.requests.transition('acme', bulk[2]!, { to: 'retrying', attempt: { n: 1, at: new Date().toISOString(), outcome: 'retryable', httpStatus: 503, durationMs: 3, error: 'SmartRecruiters answered 503' } });

    // Younger than the cut-off: left alone, the submit may still be under way.
    expect(await requeueStranded(h.rt)).toBe(0);
    // Past it: the five singles, the lost batch (one job for its three) and bulk[2] get their job again, once.
    expect(await requeueStranded(h.rt, { olderThanMs: 0 })).toBe(5 + 1 + 1);
    expect(await requeueStranded(h.rt, { olderThanMs: 0 })).toBe(0);
    for (const { id } of singles) expect(await h.rt.producers.validate.getJob(`${id}-1`)).toMatchObject({ name: 'one', data: { id, attempt: 1 } });
    const [lostIds] = bulkRuns(lostBatch.map((r) => r.id));
    expect(await h.rt.producers.validate.getJob(`b-${lostIds![0]}`)).toMatchObject({ name: 'batch', data: { ids: lostIds } });
    expect(await h.rt.producers.validate.getJob(`${bulk[2]}-2`)).toMatchObject({ name: 'one', data: { id: bulk[2], attempt: 2 } });
  } finally {
    await h.rt.producers.validate.resume();
  }

  for (const id of [...singles.map((r) => r.id), ...lostBatch.map((r) => r.id), single, bulk[0]!, bulk[1]!]) expect((await linked(id)).attempts).toHaveLength(1);
  expect((await linked(bulk[2]!)).attempts.map((a: { n: number }) => a.n)).toEqual([1, 2]);
});
