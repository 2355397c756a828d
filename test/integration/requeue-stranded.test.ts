import { afterAll, beforeAll, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { newShardedId } from '../../src/domain/ids.js';
import { shardOf } from '../../src/domain/shards.js';
import { credentialAad } from '../../src/crypto/credential-aad.js';
import { requeueStranded } from '../../src/queues/requeue-stranded.js';
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
  // What a killed API leaves behind: requests in Redis, named for a first-attempts job that was never queued.
  const ids = Array.from({ length: 5 }, (_, i) => newShardedId('connectRequest', shardOf('acme', `stranded-${i}`)));
  const items = ids.map((id, i) => ({
    id,
    tenantId: `stranded-${i}`,
    provider: 'smartrecruiters' as const,
    encryptedCredential: h.rt.vault.encrypt(simKey('valid', `stranded-${i}`), credentialAad('acme', 'smartrecruiters', `stranded-${i}`)),
    validateJob: `f-${ids[0]}`,
  }));
  await h.rt.requests.create('acme', items);

  await h.rt.producers.validate.pause();
  let single: string, bulk: string[];
  try {
    // Queued while nothing runs: one request in its own job, three sharing a first-attempts job.
    single = (await h.api('POST', '/v1/connect-requests', { body: { tenantId: 'single', provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', 'single') } } })).body.id;
    const res = await h.api('POST', '/v1/connect-requests/bulk', {
      body: { items: [0, 1, 2].map((i) => ({ tenantId: `bulk-${i}`, provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', `bulk-${i}`) } })) },
    });
    expect(res.status, res.text).toBe(202);
    bulk = res.body.accepted.map((a: { id: string }) => a.id);
    expect(bulk).toHaveLength(3);
    expect(await h.rt.producers.validate.getJob(`f-${bulk[0]}`)).toMatchObject({ name: 'first-attempts', data: { requestIds: bulk } });

    // A worker that died after recording a shared first attempt's 503, before queueing the
    // request's own job: the shared job still exists, but no longer carries it.
    await h.rt.requests.transition('acme', bulk[2]!, { to: 'validating' });
    await h.rt.requests.transition('acme', bulk[2]!, { to: 'retrying', attempt: { n: 1, at: new Date().toISOString(), outcome: 'retryable', httpStatus: 503, durationMs: 3, error: 'SmartRecruiters answered 503' } });

    // Younger than the cut-off: left alone, the submit may still be under way.
    expect(await requeueStranded(h.rt)).toBe(0);
    // Past it: exactly the six without a job are queued again, each in its own job, once.
    expect(await requeueStranded(h.rt, { olderThanMs: 0 })).toBe(6);
    expect(await requeueStranded(h.rt, { olderThanMs: 0 })).toBe(0);
    for (const id of [...ids, bulk[2]!]) expect(await h.rt.producers.validate.getJob(id)).toMatchObject({ name: 'validate', data: { requestId: id } });
  } finally {
    await h.rt.producers.validate.resume();
  }

  for (const id of [...ids, single, bulk[0]!, bulk[1]!]) expect((await linked(id)).attempts).toHaveLength(1);
  expect((await linked(bulk[2]!)).attempts.map((a: { n: number }) => a.n)).toEqual([1, 2]);
});
