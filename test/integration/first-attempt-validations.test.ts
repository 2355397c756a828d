import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { simKey } from '../../src/sim/index.js';
import { VALIDATE_JOB, type FirstValidationsJobData } from '../../src/queues/job-payloads.js';
import { settleAbandonedValidation } from '../../workers/settle-abandoned-validation.js';
import { createProviders } from '../../src/providers/registry.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { validateProcessor } from '../helpers/validate-jobs.js';

// Requests of one submit share first-attempts validate jobs; these tests follow what happens to
// each request inside such a job: retries in its own job, the process-wide limit on provider calls,
// and a job BullMQ gives up on.

const CONCURRENCY = 4;
let h: Harness;

beforeAll(async () => {
  h = await startHarness('first-validations', {
    env: { LINKER_CONCURRENCY: String(CONCURRENCY), LINKER_VALIDATION_ATTEMPTS: '4', LINKER_RATE_LIMIT_PER_MINUTE: '1000000' },
  });
});
afterAll(async () => h?.close());

async function bulk(items: { tenantId: string; apiKey: string }[]): Promise<string[]> {
  const res = await h.api('POST', '/v1/connect-requests/bulk', {
    body: { items: items.map(({ tenantId, apiKey }) => ({ tenantId, provider: 'smartrecruiters', credentials: { apiKey } })) },
  });
  expect(res.status, res.text).toBe(202);
  expect(res.body.rejected).toEqual([]);
  return res.body.accepted.map((a: { id: string }) => a.id);
}

const settled = (id: string) =>
  waitFor(async () => {
    const r = (await h.api('GET', `/v1/connect-requests/${id}`)).body;
    return ['linked', 'failed'].includes(r.status) && r.confirmation !== 'pending' ? r : undefined;
  }, { what: `${id} to settle`, timeoutMs: 20_000 });

it('a bulk shares jobs; a request that needs a retry goes on in its own job; provider calls never exceed the concurrency', async () => {
  h.sim.resetStats();
  const items = Array.from({ length: 30 }, (_, i) => ({
    tenantId: `shared-${i}`,
    apiKey: simKey(i === 3 ? 'flaky2' : i === 25 ? 'ratelimit1t1' : 'slow30', `shared-${i}`),
  }));
  const ids = await bulk(items);
  const [flaky, rateLimited] = [ids[3]!, ids[25]!];

  const requests = await Promise.all(ids.map(settled));
  expect(requests.map((r) => r.status)).toEqual(ids.map(() => 'linked'));
  expect(requests[3].attempts.map((a: { n: number; httpStatus: number }) => [a.n, a.httpStatus])).toEqual([[1, 503], [2, 503], [3, 200]]);
  expect(requests[25].attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['rate_limited', 'success']);
  for (const [i, r] of requests.entries()) if (i !== 3 && i !== 25) expect(r.attempts).toHaveLength(1);

  // 20 + 10 requests in two shared jobs; the two that needed more went on in their own job.
  const first = await h.rt.producers.validate.getJob(`f-${ids[0]}`);
  expect(first).toMatchObject({ name: VALIDATE_JOB.firstAttempts, data: { requestIds: ids.slice(0, 20) } });
  expect(await h.rt.producers.validate.getJob(`f-${ids[20]}`)).toMatchObject({ data: { requestIds: ids.slice(20) } });
  expect(await h.rt.producers.validate.getJob(flaky)).toMatchObject({ name: VALIDATE_JOB.validate, data: { requestId: flaky, attemptsBefore: 1 }, opts: { attempts: 3 } });
  expect(await h.rt.producers.validate.getJob(rateLimited)).toMatchObject({ name: VALIDATE_JOB.validate, data: { requestId: rateLimited, attemptsBefore: 0 }, opts: { attempts: 4 } });

  // Two shared jobs ran at once with up to 20 requests each, yet the provider saw at most CONCURRENCY calls at a time.
  expect(h.sim.stats().maxInFlight).toBe(CONCURRENCY);
});

it('a request is handed to its own job only once its retry is recorded, so the job can run at once', async () => {
  await h.rt.producers.validate.pause();
  try {
    const ids = await bulk([
      { tenantId: 'hand-off-1', apiKey: simKey('flaky1', 'hand-off-1') },
      { tenantId: 'hand-off-2', apiKey: simKey('valid', 'hand-off-2') },
    ]);
    // The request as another worker would find it the moment its own job is queued.
    const seenByOwnJob: unknown[] = [];
    const providers = createProviders({ smartrecruitersBaseUrl: h.sim.url, timeoutMs: 2000 });
    const processor = validateProcessor(h, {
      providers,
      ownJob: async (data) => {
        seenByOwnJob.push({ data, request: (await h.api('GET', `/v1/connect-requests/${data.requestId}`)).body });
      },
    });
    const job = { id: `f-${ids[0]}`, name: VALIDATE_JOB.firstAttempts, data: { platformId: 'acme', requestIds: ids } } as Job<FirstValidationsJobData>;
    expect(await processor(job)).toEqual({ [ids[0]!]: 'retrying', [ids[1]!]: 'linked' });
    expect(seenByOwnJob).toEqual([
      { data: { platformId: 'acme', requestId: ids[0], attemptsBefore: 1 }, request: expect.objectContaining({ status: 'retrying', attempts: [expect.objectContaining({ n: 1, httpStatus: 503 })] }) },
    ]);
    await Promise.all([...providers.values()].map((p) => p.close()));
    // Run here by hand; the queued copy must not run again once the queue resumes.
    await (await h.rt.producers.validate.getJob(job.id!))?.remove();
  } finally {
    await h.rt.producers.validate.resume();
  }
});

it('a shared job run again after its worker died queues the own job of a request it left retrying without one', async () => {
  await h.rt.producers.validate.pause();
  try {
    const [id] = await bulk([{ tenantId: 'died-mid-hand-off', apiKey: simKey('valid', 'died-mid-hand-off') }]);
    // What the dead worker left: the first attempt's 503 recorded, no own job queued.
    await h.rt.requests.transition('acme', id!, { to: 'validating' });
    await h.rt.requests.transition('acme', id!, { to: 'retrying', attempt: { n: 1, at: new Date().toISOString(), outcome: 'retryable', httpStatus: 503, durationMs: 3, error: 'SmartRecruiters answered 503' } });
    const ownJobs: unknown[] = [];
    const processor = validateProcessor(h, { ownJob: async (data) => void ownJobs.push(data) });
    const job = { id: `f-${id}`, name: VALIDATE_JOB.firstAttempts, data: { platformId: 'acme', requestIds: [id!] } } as Job<FirstValidationsJobData>;
    expect(await processor(job)).toEqual({ [id!]: 'tried-before' });
    expect(ownJobs).toEqual([{ platformId: 'acme', requestId: id, attemptsBefore: 1 }]);
    expect((await h.api('GET', `/v1/connect-requests/${id}`)).body).toMatchObject({ status: 'retrying', attempts: [{ n: 1 }] });
    await (await h.rt.producers.validate.getJob(job.id!))?.remove();
  } finally {
    await h.rt.producers.validate.resume();
  }
});

it('a first-attempts job BullMQ gives up on fails the requests it never tried and leaves those with their own job alone', async () => {
  await h.rt.producers.validate.pause();
  let ids: string[] = [];
  try {
    ids = await bulk([
      { tenantId: 'abandoned-untried', apiKey: simKey('valid', 'abandoned-untried') },
      { tenantId: 'abandoned-tried', apiKey: simKey('valid', 'abandoned-tried') },
    ]);
    // The second request's first attempt already failed and handed it to its own job.
    await h.rt.requests.transition('acme', ids[1]!, { to: 'validating' });
    await h.rt.requests.transition('acme', ids[1]!, { to: 'retrying', attempt: { n: 1, at: new Date().toISOString(), outcome: 'retryable', httpStatus: 503, durationMs: 3, error: 'SmartRecruiters answered 503' } });
    const job = (await h.rt.producers.validate.getJob(`f-${ids[0]}`)) as Job<FirstValidationsJobData>;

    await settleAbandonedValidation(h.rt, job, new Error('job stalled more than allowable limit'), h.rt.logger);

    expect(await settled(ids[0]!)).toMatchObject({
      status: 'failed',
      error: { code: 'provider_unavailable', message: 'validation could not complete: job stalled more than allowable limit' },
      attempts: [],
    });
    expect((await h.api('GET', `/v1/connect-requests/${ids[1]}`)).body).toMatchObject({ status: 'retrying', attempts: [{ n: 1, httpStatus: 503 }] });
    await h.rt.producers.enqueueValidation({ platformId: 'acme', requestId: ids[1]!, attemptsBefore: 1 }, 0);
  } finally {
    await h.rt.producers.validate.resume();
  }
  // Its own job, run by the real worker, links it; the shared job still queued skips both.
  expect(await settled(ids[1]!)).toMatchObject({ status: 'linked', attempts: [{ n: 1 }, { n: 2, httpStatus: 200 }] });
  expect(await settled(ids[0]!)).toMatchObject({ status: 'failed' });
});
