import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { validateProcessor } from '../helpers/validate-jobs.js';
import { PLATFORMS } from '../helpers/test-env.js';

let h: Harness;
const usedKeys: string[] = [];

function key(prefix: string, seed: string): string {
  const k = simKey(prefix, seed);
  usedKeys.push(k);
  return k;
}

async function link(tenantId: string, apiKey: string) {
  const res = await h.api('POST', '/v1/connect-requests', { body: { tenantId, provider: 'smartrecruiters', credentials: { apiKey } } });
  expect(res.status, res.text).toBe(202);
  return res.body.id as string;
}

async function final(id: string, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const res = await h.api('GET', `/v1/connect-requests/${id}`);
      // Settled means the result event was recorded too (confirmation leaves pending), not just the status.
      return ['linked', 'failed'].includes(res.body.status) && res.body.confirmation !== 'pending' ? res.body : undefined;
    },
    { timeoutMs, what: `request ${id} to finish` },
  );
}

beforeAll(async () => {
  h = await startHarness('pipeline', { env: { LINKER_VALIDATION_ATTEMPTS: '4', LINKER_PROVIDER_TIMEOUT: '300ms' } });
});
afterAll(async () => h?.close());

describe('classification through the real worker and the simulator', () => {
  it('links a valid key and stores the account with the company', async () => {
    const apiKey = key('valid', 'pipeline-1');
    const id = await link('tenant-valid', apiKey);
    const request = await final(id);
    expect(request.status).toBe('linked');
    expect(request.operation).toBe('created');
    expect(request.company.identifier).toMatch(/\S/);
    expect(request.attempts).toEqual([expect.objectContaining({ n: 1, outcome: 'success', httpStatus: 200 })]);
    const account = (await h.api('GET', `/v1/accounts/${request.accountId}`)).body;
    expect(account).toMatchObject({ status: 'active', tenantId: 'tenant-valid', credential: { fingerprint: apiKey.slice(-4) } });
    expect(account.company).toEqual(request.company);
  });

  it('answers 202 with the request exactly as stored, queued', async () => {
    await h.rt.producers.validate.pause();
    try {
      const res = await h.api('POST', '/v1/connect-requests', {
        body: { tenantId: 'tenant-echo', provider: 'smartrecruiters', credentials: { apiKey: key('valid', 'pipeline-echo') }, metadata: { crm: 'acme-42' } },
      });
      expect(res.status, res.text).toBe(202);
      expect(res.body).toMatchObject({ status: 'queued', confirmation: 'pending', metadata: { crm: 'acme-42' }, attempts: [] });
      expect(res.headers.location).toBe(`/v1/connect-requests/${res.body.id}`);
      expect((await h.api('GET', `/v1/connect-requests/${res.body.id}`)).body).toEqual(res.body);
    } finally {
      await h.rt.producers.validate.resume();
    }
  });

  it.each([
    ['invalid', 'invalid_credentials', 401],
    ['forbidden', 'insufficient_permissions', 403],
    ['nofeature', 'insufficient_permissions', 403],
    ['error404', 'provider_error', 404],
    ['error422', 'provider_error', 422],
  ])('%s key ends failed with %s after one attempt', async (prefix, code, status) => {
    const id = await link(`tenant-${prefix}`, key(prefix, `pipeline-${prefix}`));
    const request = await final(id);
    expect(request.status).toBe('failed');
    expect(request.error.code).toBe(code);
    expect(request.attempts).toHaveLength(1);
    expect(request.attempts[0].httpStatus).toBe(status);
    if (prefix === 'nofeature') expect(request.error.message).toContain('No access to feature');
  });

  it('retries a flaky key that fails twice with 503, then links', async () => {
    const id = await link('tenant-flaky', key('flaky2', 'pipeline-flaky'));
    const request = await final(id);
    expect(request.status).toBe('linked');
    expect(request.attempts.map((a: { httpStatus: number }) => a.httpStatus)).toEqual([503, 503, 200]);
    expect(request.attempts.map((a: { n: number }) => a.n)).toEqual([1, 2, 3]);
  });

  it('waits out a 429 with Retry-After: 1 without spending an attempt', async () => {
    const apiKey = key('ratelimit1t1', 'pipeline-429');
    const started = Date.now();
    const id = await link('tenant-429', apiKey);
    const request = await final(id);
    const elapsed = Date.parse(request.completedAt) - started;
    expect(request.status).toBe('linked');
    expect(request.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['rate_limited', 'success']);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    // The wait spent no attempt: both entries are attempt 1.
    expect(request.attempts.map((a: { n: number }) => a.n)).toEqual([1, 1]);
  });

  it('counts a timeout as a retryable attempt', async () => {
    h.sim.setKey(key('valid', 'pipeline-slow-then-ok'), { kind: 'slow', latencyMs: 1000 });
    const slowKey = usedKeys.at(-1)!;
    const id = await link('tenant-timeout', slowKey);
    await waitFor(async () => ((await h.api('GET', `/v1/connect-requests/${id}`)).body.attempts.length > 0 ? true : undefined), { what: 'first attempt' });
    h.sim.setKey(slowKey, { kind: 'valid' });
    const request = await final(id);
    expect(request.status).toBe('linked');
    expect(request.attempts[0]).toMatchObject({ outcome: 'retryable', httpStatus: null });
    expect(request.attempts[0].error).toMatch(/did not answer/);
  });

  it('gives up on a key that never recovers: provider_unavailable after the configured attempts', async () => {
    const id = await link('tenant-down', key('error503', 'pipeline-down'));
    const request = await final(id);
    expect(request.status).toBe('failed');
    expect(request.error.code).toBe('provider_unavailable');
    expect(request.attempts).toHaveLength(4);
  });

  it('re-linking a tenant replaces the credential and reports operation "updated"', async () => {
    const first = await final(await link('tenant-relink', key('valid', 'relink-a')));
    const second = await final(await link('tenant-relink', key('valid', 'relink-b')));
    expect(second.operation).toBe('updated');
    expect(second.accountId).toBe(first.accountId);
    const account = (await h.api('GET', `/v1/accounts/${second.accountId}`)).body;
    expect(account.credential.fingerprint).toBe(usedKeys.at(-1)!.slice(-4));
  });
});

describe('atomic, idempotent transitions', () => {
  it('a validate job that runs twice changes nothing the second time', async () => {
    const id = await link('tenant-twice', key('valid', 'twice'));
    const request = await final(id);
    const job = await h.rt.producers.validate.getJob(`${id}-1`);
    expect(job).toBeTruthy();
    // Run the processor again directly: the request is final, so nothing moves.
    const processor = validateProcessor(h, { handOff: () => Promise.reject(new Error('a finished request needs no retry')) });
    await processor(job!);
    const after = (await h.api('GET', `/v1/connect-requests/${id}`)).body;
    expect(after).toEqual(request);
  });

  it('a second request for a tenant in flight is refused with 409 naming the first', async () => {
    const slow = key('slow800', 'inflight');
    const first = await link('tenant-inflight', slow);
    const res = await h.api('POST', '/v1/connect-requests', { body: { tenantId: 'tenant-inflight', provider: 'smartrecruiters', credentials: { apiKey: key('valid', 'inflight-2') } } });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toContain(first);
    await final(first);
  });
});

describe('lists and isolation', () => {
  it('lists with filters and a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await link(`tenant-list-${i}`, key('invalid', `list-${i}`)));
    for (const id of ids) await final(id);
    const page1 = (await h.api('GET', '/v1/connect-requests?status=failed&limit=2')).body;
    expect(page1.data).toHaveLength(2);
    expect(page1.nextCursor).toBeTruthy();
    const page2 = (await h.api('GET', `/v1/connect-requests?status=failed&limit=2&cursor=${page1.nextCursor}`)).body;
    expect(page2.data).toHaveLength(2);
    expect(new Set([...page1.data, ...page2.data].map((r: { id: string }) => r.id)).size).toBe(4);
    const byTenant = (await h.api('GET', '/v1/connect-requests?tenantId=tenant-list-3')).body;
    expect(byTenant.data.map((r: { id: string }) => r.id)).toEqual([ids[3]]);
    const both = (await h.api('GET', '/v1/connect-requests?tenantId=tenant-list-3&status=linked')).body;
    expect(both.data).toEqual([]);
  });

  it('another platform sees none of it (404 and empty lists)', async () => {
    const id = await link('tenant-private', key('valid', 'private'));
    const request = await final(id);
    const other = { token: PLATFORMS.globex };
    expect((await h.api('GET', `/v1/connect-requests/${id}`, other)).status).toBe(404);
    expect((await h.api('GET', `/v1/accounts/${request.accountId}`, other)).status).toBe(404);
    expect((await h.api('GET', '/v1/connect-requests', other)).body.data).toEqual([]);
    expect((await h.api('GET', '/v1/accounts', other)).body.data).toEqual([]);
  });
});

describe('secrets', () => {
  it('no API key appears in Redis, logs or API responses', async () => {
    const dump = await h.dumpRedis();
    const logs = h.logs.join('\n');
    const responses = JSON.stringify((await h.api('GET', '/v1/connect-requests?limit=500')).body);
    expect(usedKeys.length).toBeGreaterThan(10);
    for (const apiKey of usedKeys) {
      expect(dump).not.toContain(apiKey);
      expect(logs).not.toContain(apiKey);
      expect(responses).not.toContain(apiKey);
    }
    // The scan really covers the data: request records are in the dump.
    expect(dump).toContain('tenant-valid');
  });
});
