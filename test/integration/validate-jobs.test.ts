import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { simKey } from '../../src/sim/index.js';
import { settleAbandonedValidation } from '../../workers/settle-abandoned-validation.js';
import { createProviders } from '../../src/providers/registry.js';
import type { WorkJob } from '../../src/queues/work-job.js';
import { bulkRuns } from '../../src/queues/producers.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { validateProcessor } from '../helpers/validate-jobs.js';

// The job protocol of src/queues/work-job.ts on the validate queue: a bulk's first attempts share
// batch jobs, every later attempt is a `one` job, and the compare-and-set on the attempts recorded
// decides which job owns a request, whatever order things happen in.

const CONCURRENCY = 4;
let h: Harness;

beforeAll(async () => {
  h = await startHarness('validate-jobs', {
    // Re-validation checks keep their own pace (LINKER_REVALIDATE_RATE), outside LINKER_CONCURRENCY:
    // without that worker the simulator sees validation calls only.
    queues: ['validate', 'deliver'],
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

/** Runs `fn` while no worker takes validate jobs, so a test can run them by hand. */
async function whilePaused<T>(fn: () => Promise<T>): Promise<T> {
  await h.rt.producers.validate.pause();
  try {
    return await fn();
  } finally {
    await h.rt.producers.validate.resume();
  }
}

const batchJob = (ids: string[]) => ({ id: `b-${ids[0]}`, name: 'batch', data: { kind: 'batch', platformId: 'acme', ids } satisfies WorkJob }) as Job;
const retrying503 = (n: number) => ({ n, at: new Date().toISOString(), outcome: 'retryable' as const, httpStatus: 503, durationMs: 3, error: 'SmartRecruiters answered 503' });

it('a bulk shares batch jobs; later attempts go on in one job each; provider calls never exceed the concurrency', async () => {
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

  // 20 + 10 requests, by data shard, in two batch jobs; the two that needed more went on in `one` jobs.
  const runs = bulkRuns(ids);
  expect(runs.map((run) => run.length)).toEqual([20, 10]);
  expect(await h.rt.producers.validate.getJob(`b-${runs[0]![0]}`)).toMatchObject({ name: 'batch', data: { kind: 'batch', ids: runs[0] } });
  expect(await h.rt.producers.validate.getJob(`b-${runs[1]![0]}`)).toMatchObject({ data: { ids: runs[1] } });
  for (const attempt of [2, 3]) expect(await h.rt.producers.validate.getJob(`${flaky}-${attempt}`)).toMatchObject({ name: 'one', data: { kind: 'one', id: flaky, attempt } });
  expect(await h.rt.producers.validate.getJob(`${rateLimited}-2`)).toMatchObject({ data: { id: rateLimited, attempt: 2 } });
  expect(h.sim.stats().maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
});

it('batch jobs claim their requests only as the call slots can take them: the rest stay queued, unclaimed', async () => {
  // LINKER_CONCURRENCY 4 lets batch jobs hold 2 × 4 claimed requests: the slow job's 8 take them all.
  await whilePaused(async () => {
    const slowIds = await bulk(Array.from({ length: 8 }, (_, i) => ({ tenantId: `gate-slow-${i}`, apiKey: simKey('slow1500', `gate-slow-${i}`) })));
    const slow = slowIds[0];
    const [waiting] = await bulk([{ tenantId: 'gate-waiting', apiKey: simKey('valid', 'gate-waiting') }]);
    const providers = createProviders({ smartrecruitersBaseUrl: h.sim.url, timeoutMs: 10_000 });
    const processor = validateProcessor(h, { providers, handOff: async () => undefined });
    const status = async (id: string) => (await h.api('GET', `/v1/connect-requests/${id}`)).body.status;

    const first = processor(batchJob(slowIds));
    await waitFor(async () => (await status(slow!)) === 'validating' || undefined, { what: 'the slow request to be claimed' });
    const second = processor(batchJob([waiting!]));
    await new Promise((r) => setTimeout(r, 300));
    // A fast key would be linked by now had its job claimed it at once.
    expect([await status(slow!), await status(waiting!)]).toEqual(['validating', 'queued']);

    expect(await first).toEqual(Object.fromEntries(slowIds.map((id) => [id, 'linked'])));
    expect(await second).toEqual({ [waiting!]: 'linked' });
    await Promise.all([...providers.values()].map((p) => p.close()));
    for (const run of [...bulkRuns(slowIds), [waiting!]]) await (await h.rt.producers.validate.getJob(`b-${run[0]}`))?.remove();
  });
});

it('a request is handed to the next job only once its retry is recorded, so that job can run at once', async () => {
  await whilePaused(async () => {
      const ids = await bulk([
        { tenantId: 'hand-off-1', apiKey: simKey('flaky1', 'hand-off-1') },
        { tenantId: 'hand-off-2', apiKey: simKey('valid', 'hand-off-2') },
      ]);
      const seen: unknown[] = [];
      const providers = createProviders({ smartrecruitersBaseUrl: h.sim.url, timeoutMs: 2000 });
      const processor = validateProcessor(h, {
        providers,
        handOff: async (_platformId: string, requestId: string, attempt: number) => {
          seen.push({ id: requestId, attempt, request: (await h.api('GET', `/v1/connect-requests/${requestId}`)).body });
        },
      });
      expect(await processor(batchJob(bulkRuns(ids)[0]!))).toEqual({ [ids[0]!]: 'retrying', [ids[1]!]: 'linked' });
      expect(seen).toEqual([
        { id: ids[0], attempt: 2, request: expect.objectContaining({ status: 'retrying', attempts: [expect.objectContaining({ n: 1, httpStatus: 503 })] }) },
      ]);
      await Promise.all([...providers.values()].map((p) => p.close()));
      // Run here by hand; the queued copy must not run again once the queue resumes.
      await (await h.rt.producers.validate.getJob(`b-${bulkRuns(ids)[0]![0]}`))?.remove();
  });
});

it('a batch job run again after its worker died hands on a request it left retrying; a stale one job drops it', async () => {
  await whilePaused(async () => {
      const [id] = await bulk([{ tenantId: 'died-mid-hand-off', apiKey: simKey('valid', 'died-mid-hand-off') }]);
      // What the dead worker left: the first attempt's 503 recorded, no next job queued.
      await h.rt.requests.transition('acme', id!, { to: 'validating' });
      await h.rt.requests.transition('acme', id!, { to: 'retrying', attempt: retrying503(1) });
      const handOffs: unknown[] = [];
      const processor = validateProcessor(h, { handOff: async (_p: string, requestId: string, attempt: number) => void handOffs.push([requestId, attempt]) });
      expect(await processor(batchJob([id!]))).toEqual({ [id!]: 'stale' });
      expect(handOffs).toEqual([[id, 2]]);
      expect((await h.api('GET', `/v1/connect-requests/${id}`)).body).toMatchObject({ status: 'retrying', attempts: [{ n: 1 }] });

      // A duplicate of a job for an attempt that is already recorded claims nothing and calls nobody.
      await h.rt.requests.transition('acme', id!, { to: 'validating' });
      const stale = { id: `${id}-1`, name: 'one', data: { kind: 'one', platformId: 'acme', id: id!, attempt: 1 } satisfies WorkJob } as Job;
      expect(await processor(stale)).toEqual({ [id!]: 'stale' });
      expect((await h.api('GET', `/v1/connect-requests/${id}`)).body).toMatchObject({ status: 'validating', attempts: [{ n: 1 }] });
      await h.rt.requests.transition('acme', id!, { to: 'retrying' });
      await (await h.rt.producers.validate.getJob(`b-${id}`))?.remove();
  });
});

it('two runs of the same attempt record it once: the second loses the compare-and-set', async () => {
  await whilePaused(async () => {
      const [id] = await bulk([{ tenantId: 'raced-attempt', apiKey: simKey('valid', 'raced-attempt') }]);
      const [first] = await h.rt.requests.claimForValidation('acme', [id!], 1);
      const [second] = await h.rt.requests.claimForValidation('acme', [id!], 1);
      expect([first!.result, second!.result]).toEqual(['applied', 'applied']);
      expect(await h.rt.requests.transition('acme', id!, { to: 'retrying', attempt: retrying503(1), recorded: 0 })).toMatchObject({ result: 'applied' });
      // The next attempt's job has claimed it meanwhile; the slower run's record of attempt 1 must not land.
      expect((await h.rt.requests.claimForValidation('acme', [id!], 2))[0]!.result).toBe('applied');
      expect(await h.rt.requests.transition('acme', id!, { to: 'retrying', attempt: retrying503(1), recorded: 0 })).toEqual({ result: 'conflict', from: 'validating' });
      expect((await h.api('GET', `/v1/connect-requests/${id}`)).body.attempts).toHaveLength(1);
      await h.rt.requests.transition('acme', id!, { to: 'retrying' });
      await (await h.rt.producers.validate.getJob(`b-${id}`))?.remove();
      await h.rt.producers.enqueueAttempt('acme', id!, 2, 0);
  });
});

it('a batch job BullMQ gives up on hands each request to a job of its own; a one job given up on fails the request it still owned', async () => {
  let ids: string[] = [];
  const handOffs: [string, number][] = [];
  const handOff = async (_p: string, id: string, attempt: number) => void handOffs.push([id, attempt]);
  await whilePaused(async () => {
    ids = await bulk([
      { tenantId: 'abandoned-untried', apiKey: simKey('valid', 'abandoned-untried') },
      { tenantId: 'abandoned-tried', apiKey: simKey('valid', 'abandoned-tried') },
    ]);
    const batch = (await h.rt.producers.validate.getJob(`b-${bulkRuns(ids)[0]![0]}`))!;
    await settleAbandonedValidation({ ...h.rt, handOff }, batch, new Error('job stalled more than allowable limit'), h.rt.logger);
    expect(handOffs.sort()).toEqual(ids.map((id) => [id, 1]).sort());

    // The second request's first attempt already failed and handed it on to attempt 2.
    await h.rt.requests.transition('acme', ids[1]!, { to: 'validating' });
    await h.rt.requests.transition('acme', ids[1]!, { to: 'retrying', attempt: retrying503(1) });
    const one = (id: string, attempt: number) => ({ id: `${id}-${attempt}`, name: 'one', data: { kind: 'one', platformId: 'acme', id, attempt } satisfies WorkJob }) as Job;
    await settleAbandonedValidation({ ...h.rt, handOff }, one(ids[0]!, 1), new Error('job stalled more than allowable limit'), h.rt.logger);
    await settleAbandonedValidation({ ...h.rt, handOff }, one(ids[1]!, 1), new Error('job stalled more than allowable limit'), h.rt.logger);

    expect(await settled(ids[0]!)).toMatchObject({
      status: 'failed',
      error: { code: 'provider_unavailable', message: 'validation could not complete: job stalled more than allowable limit' },
      attempts: [],
    });
    expect((await h.api('GET', `/v1/connect-requests/${ids[1]}`)).body).toMatchObject({ status: 'retrying', attempts: [{ n: 1, httpStatus: 503 }] });
    await h.rt.producers.enqueueAttempt('acme', ids[1]!, 2, 0);
  });
  // Its next job, run by the real worker, links it; the batch job still queued skips both.
  expect(await settled(ids[1]!)).toMatchObject({ status: 'linked', attempts: [{ n: 1 }, { n: 2, httpStatus: 200 }] });
  expect(await settled(ids[0]!)).toMatchObject({ status: 'failed' });
});
