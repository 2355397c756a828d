import { describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { PLATFORMS } from '../helpers/test-env.js';
import { useHarness, waitFor, type Harness } from '../helpers/harness.js';

// Scheduling on the validate queue (DESIGN §10): the budget runs from the first provider call,
// interactive links go ahead of bulk work, platforms with backlogs take turns by weight.

type Platform = keyof typeof PLATFORMS;

function items(label: string, n: number, kind: (i: number) => string = () => 'valid') {
  return Array.from({ length: n }, (_, i) => ({ tenantId: `${label}-${i}`, provider: 'smartrecruiters', credentials: { apiKey: simKey(kind(i), `${label}-${i}`) } }));
}

async function bulk(h: Harness, platform: Platform, list: ReturnType<typeof items>): Promise<{ batchId: string; ids: string[] }> {
  const res = await h.api('POST', '/v1/connect-requests/bulk', { token: PLATFORMS[platform], body: { items: list } });
  expect(res.status, res.text).toBe(202);
  expect(res.body.accepted).toHaveLength(list.length);
  return { batchId: res.body.batchId, ids: res.body.accepted.map((a: { id: string }) => a.id) };
}

const batchDone = (h: Harness, platform: Platform, batchId: string) =>
  waitFor(async () => {
    const b = (await h.api('GET', `/v1/batches/${batchId}`, { token: PLATFORMS[platform] })).body;
    return b.completedAt ? b : undefined;
  }, { timeoutMs: 90_000, what: `batch ${batchId} to complete` });

/** Platform of each prioritized validate job, in the order BullMQ will serve them. */
async function servingOrder(h: Harness): Promise<string[]> {
  const queue = h.rt.producers.validate.shards[0]!;
  const jobIds = await h.rt.queueRedis.zrange(queue.keys.prioritized!, 0, -1);
  const jobs = await Promise.all(jobIds.map((id) => queue.getJob(id)));
  return jobs.map((job) => job!.data.platformId);
}

describe('budget and interactive-first', () => {
  const harness = useHarness('scheduling', {
      env: { LINKER_CONCURRENCY: '1', LINKER_VALIDATION_DEADLINE: '300ms', LINKER_RATE_LIMIT_PER_MINUTE: '1000000' },
    });

  it('a backlog far longer than the validation budget ends all linked: time queued is not spent', async () => {
    const h = harness();
    const { batchId } = await bulk(h, 'acme', items('backlog', 200, () => 'slow5'));
    const batch = await batchDone(h, 'acme', batchId);
    expect(batch.counts).toMatchObject({ linked: 200, failed: 0 });
  });

  it('a single link overtakes the queued bulk of another platform', async () => {
    const h = harness();
    await h.rt.producers.validate.pause();
    let single: string;
    let bulkIds: string[];
    try {
      ({ ids: bulkIds } = await bulk(h, 'acme', items('ahead', 100)));
      const res = await h.api('POST', '/v1/connect-requests', { token: PLATFORMS.globex, body: items('interactive', 1)[0] });
      expect(res.status, res.text).toBe(202);
      single = res.body.id;
    } finally {
      await h.rt.producers.validate.resume();
    }
    const linked = await waitFor(async () => {
      const r = (await h.api('GET', `/v1/connect-requests/${single}`, { token: PLATFORMS.globex })).body;
      return r.status === 'linked' ? r : undefined;
    }, { what: 'the single link' });
    // Checked before every request of the bulk queued ahead of it.
    const bulkFirstAttempts = await Promise.all(
      bulkIds.map(async (id) => waitFor(async () => (await h.api('GET', `/v1/connect-requests/${id}`)).body.attempts[0]?.at, { what: `${id} to be tried` })),
    );
    for (const at of bulkFirstAttempts) expect(Date.parse(at)).toBeGreaterThanOrEqual(Date.parse(linked.attempts[0].at));
  });
});

describe('fair share across platforms', () => {
  const harness = useHarness('fair-share', { env: { LINKER_CONCURRENCY: '1', LINKER_PLATFORM_WEIGHTS: 'globex:2', LINKER_RATE_LIMIT_PER_MINUTE: '1000000' } });

  it('two backlogged platforms take turns, by weight, and both finish', async () => {
    const h = harness();
    await h.rt.producers.validate.pause();
    let batches: { acme: string; globex: string };
    try {
      // acme's backlog is queued first and is larger; globex (weight 2) arrives after it.
      const acme = await bulk(h, 'acme', items('fair-a', 200));
      const globex = await bulk(h, 'globex', items('fair-g', 120));
      batches = { acme: acme.batchId, globex: globex.batchId };
      // 10 jobs of acme, 6 of globex: two of globex for each one of acme while both have work.
      expect(await servingOrder(h)).toEqual([
        'acme', 'globex', 'globex',
        'acme', 'globex', 'globex',
        'acme', 'globex', 'globex',
        'acme', 'acme', 'acme', 'acme', 'acme', 'acme', 'acme',
      ]);
      // Queued behind all of acme's first job and its own share: the position says so.
      const position = (await h.api('GET', `/v1/batches/${batches.globex}`, { token: PLATFORMS.globex })).body.position;
      expect(position).toBeGreaterThan(0);
    } finally {
      await h.rt.producers.validate.resume();
    }
    const [a, g] = await Promise.all([batchDone(h, 'acme', batches.acme), batchDone(h, 'globex', batches.globex)]);
    expect(a.counts.linked).toBe(200);
    expect(g.counts.linked).toBe(120);
    expect(g).toMatchObject({ position: 0, estimatedCompletionAt: g.completedAt });
  });

  it('a platform that arrives while another is backlogged starts at the round being served, not behind the backlog', async () => {
    const h = harness();
    await h.rt.producers.validate.pause();
    try {
      await bulk(h, 'acme', items('late-a', 100));
      // Every round of acme but the first is already taken when globex comes.
      await h.rt.queueRedis.zpopmin(h.rt.producers.validate.shards[0]!.keys.prioritized!);
      await bulk(h, 'globex', items('late-g', 20));
      expect(await servingOrder(h)).toEqual(['acme', 'globex', 'acme', 'acme', 'acme']);
    } finally {
      await h.rt.producers.validate.resume();
    }
  });
});

describe('the provider breaker', () => {
  const harness = useHarness('scheduling-breaker', {
      env: { LINKER_BREAKER_THRESHOLD: '3', LINKER_BREAKER_COOLDOWN: '500ms', LINKER_VALIDATION_DEADLINE: '2s', LINKER_VALIDATION_ATTEMPTS: '6', LINKER_RATE_LIMIT_PER_MINUTE: '1000000' },
    });

  it('a pause shows on the batch and in /metrics, and never fails a request for the time it lasted', async () => {
    const h = harness();
    h.sim.setKnobs({ errorRate: 1 });
    const { batchId } = await bulk(h, 'acme', items('outage', 30));
    const paused = await waitFor(async () => (await h.api('GET', `/v1/batches/${batchId}`)).body.paused, { what: 'the batch to show the pause' });
    expect(paused).toEqual({ reason: expect.stringContaining('503'), resumesAt: expect.any(String) });
    expect((await h.api('GET', '/metrics', { token: null })).text).toMatch(/^linker_validation_paused 1$/m);
    expect(h.logs.some((l) => l.includes('"level":40') && l.includes('validation paused for every tenant'))).toBe(true);
    // The outage outlasts the 2 s budget several times over.
    await waitFor(async () => (Date.now() - Date.parse(paused.resumesAt) > 4000 ? true : undefined), { timeoutMs: 10_000, what: 'the outage to outlast the budget' });
    h.sim.setKnobs({ errorRate: 0 });
    const batch = await batchDone(h, 'acme', batchId);
    expect(batch.counts).toMatchObject({ linked: 30, failed: 0 });
    expect(batch.paused).toBeUndefined();
    expect(h.logs.some((l) => l.includes('"level":40') && l.includes('validation resumed'))).toBe(true);
  });

  it('a bulk of keys that answer 503 twice before 200 ends with every good key linked', async () => {
    const h = harness();
    const { batchId, ids } = await bulk(h, 'acme', items('flaky', 100, (i) => (i % 5 === 0 ? 'flaky2' : 'valid')));
    const batch = await batchDone(h, 'acme', batchId);
    expect(batch.counts).toMatchObject({ linked: 100, failed: 0 });
    const flaky = (await h.api('GET', `/v1/connect-requests/${ids[0]}`)).body;
    expect(flaky.attempts.filter((a: { httpStatus: number }) => a.httpStatus === 200)).toHaveLength(1);
  });
});

describe('backpressure', () => {
  const harness = useHarness('scheduling-cap', { workers: false, env: { LINKER_MAX_PENDING_PER_PLATFORM: '5', LINKER_RATE_LIMIT_PER_MINUTE: '10' } });

  it('past LINKER_MAX_PENDING_PER_PLATFORM a bulk call gets 429 with Retry-After and stores nothing', async () => {
    const h = harness();
    await bulk(h, 'acme', items('cap-1', 3));
    const before = await h.dumpRedis();
    const res = await h.api('POST', '/v1/connect-requests/bulk', { body: { items: items('cap-2', 3) } });
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.body).toMatchObject({ status: 429, type: 'urn:account-linker:problem:too_many_pending' });
    expect(res.body.detail).toContain('LINKER_MAX_PENDING_PER_PLATFORM');
    // Only the rate limiter's own counter moved.
    const strip = (dump: string) => dump.split('\n').filter((line) => !line.includes('rate-limit')).join('\n');
    expect(strip(await h.dumpRedis())).toEqual(strip(before));
    // What fits still goes through.
    await bulk(h, 'acme', items('cap-3', 2));
  });

  it('the API rate limit counts bulk items, not only calls', async () => {
    const h = harness();
    // Invalid items: counted, though nothing is stored.
    const bad = Array.from({ length: 6 }, () => ({ tenantId: 7 }));
    const first = await h.api('POST', '/v1/connect-requests/bulk', { token: PLATFORMS.globex, body: { items: bad } });
    expect(first.status, first.text).toBe(202);
    const second = await h.api('POST', '/v1/connect-requests/bulk', { token: PLATFORMS.globex, body: { items: bad } });
    expect(second.status).toBe(429);
    expect(second.body).toMatchObject({ type: 'urn:account-linker:problem:rate_limited' });
    expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});
