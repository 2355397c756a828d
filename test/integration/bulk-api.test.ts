import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { PLATFORMS } from '../helpers/test-env.js';

let h: Harness;

const item = (tenantId: string, apiKey: string, extra: Record<string, unknown> = {}) => ({ tenantId, provider: 'smartrecruiters', credentials: { apiKey }, ...extra });

async function countRequests(): Promise<number> {
  const dump = await h.dumpRedis();
  return dump.split('\n').filter((line) => /:cr:cr_[0-9a-z]+ /.test(line)).length;
}

async function batchDone(batchId: string) {
  return waitFor(
    async () => {
      const res = await h.api('GET', `/v1/batches/${batchId}`);
      return res.body.completedAt ? res.body : undefined;
    },
    { what: `batch ${batchId} to complete` },
  );
}

beforeAll(async () => {
  h = await startHarness('bulk-api', { env: { LINKER_BULK_MAX_ITEMS: '50', LINKER_VALIDATION_ATTEMPTS: '3' } });
});
afterAll(async () => h?.close());

describe('POST /v1/connect-requests/bulk', () => {
  it('accepts good items and rejects each bad one with its index and a code', async () => {
    const slow = simKey('slow1500', 'bulk-inflight');
    const first = await h.api('POST', '/v1/connect-requests', { body: item('busy', slow) });
    expect(first.status).toBe(202);

    const res = await h.api('POST', '/v1/connect-requests/bulk', {
      body: {
        items: [
          item('a', simKey('valid', 'bulk-a')),
          item('b', 'short'),
          item('a', simKey('valid', 'bulk-a2')),
          item('busy', simKey('valid', 'bulk-busy')),
          42,
          item('c', simKey('invalid', 'bulk-c')),
        ],
      },
    });
    expect(res.status, res.text).toBe(202);
    expect(res.headers.location).toBe(`/v1/batches/${res.body.batchId}`);
    expect(res.body.accepted.map((a: { index: number }) => a.index)).toEqual([0, 5]);
    expect(res.body.rejected).toEqual([
      { index: 1, error: { code: 'invalid_input', message: expect.stringContaining('items[1].credentials.apiKey') } },
      { index: 2, error: { code: 'duplicate_in_batch', message: expect.stringContaining('"a"') } },
      { index: 3, error: { code: 'in_flight', message: expect.stringContaining(first.body.id), inFlightId: first.body.id } },
      { index: 4, error: { code: 'invalid_input', message: expect.any(String) } },
    ]);

    const batch = await batchDone(res.body.batchId);
    expect(batch).toMatchObject({ id: res.body.batchId, total: 2, counts: { queued: 0, validating: 0, retrying: 0, linked: 1, failed: 1 } });
    expect(batch.confirmation.pending + batch.confirmation.not_required).toBe(2);

    const list = await h.api('GET', `/v1/connect-requests?batchId=${res.body.batchId}`);
    expect(list.body.data.map((r: { tenantId: string; status: string }) => [r.tenantId, r.status]).sort()).toEqual([
      ['a', 'linked'],
      ['c', 'failed'],
    ]);
    expect(list.text).not.toContain(simKey('valid', 'bulk-a'));
  });

  it('pages through a batch with ?batchId= and never shows another batch', async () => {
    const items = Array.from({ length: 7 }, (_, i) => item(`page-${i}`, simKey('valid', `page-${i}`)));
    const { body } = await h.api('POST', '/v1/connect-requests/bulk', { body: { items } });
    const other = await h.api('POST', '/v1/connect-requests/bulk', { body: { items: [item('page-other', simKey('valid', 'page-other'))] } });
    expect(other.status).toBe(202);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { id: string; batchId: string }[]; nextCursor: string | null } } = await h.api(
        'GET',
        `/v1/connect-requests?batchId=${body.batchId}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      for (const r of res.body.data) expect(r.batchId).toBe(body.batchId);
      seen.push(...res.body.data.map((r) => r.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(body.accepted.map((a: { id: string }) => a.id).sort());
  });

  it('refuses more items than LINKER_BULK_MAX_ITEMS, empty lists and non-lists, and stores nothing', async () => {
    const before = await countRequests();
    const tooMany = Array.from({ length: 51 }, (_, i) => item(`many-${i}`, simKey('valid', `many-${i}`)));
    for (const body of [{ items: tooMany }, { items: [] }, { items: 'x' }, {}, { items: [item('x', simKey('valid', 'x'))], extra: 1 }]) {
      const res = await h.api('POST', '/v1/connect-requests/bulk', { body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const tooManyRes = await h.api('POST', '/v1/connect-requests/bulk', { body: { items: tooMany } });
    expect(tooManyRes.body.detail).toContain('at most 50');
    expect(await countRequests()).toBe(before);
  });

  it('a batch with nothing accepted exists and is complete at once', async () => {
    const res = await h.api('POST', '/v1/connect-requests/bulk', { body: { items: [item('', 'short')] } });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toEqual([]);
    const batch = await h.api('GET', `/v1/batches/${res.body.batchId}`);
    expect(batch.body).toMatchObject({ total: 0, completedAt: expect.any(String) });
  });

  it('another platform cannot see the batch or its requests', async () => {
    const res = await h.api('POST', '/v1/connect-requests/bulk', { body: { items: [item('private', simKey('valid', 'private'))] } });
    const batch = await h.api('GET', `/v1/batches/${res.body.batchId}`, { token: PLATFORMS.globex });
    expect(batch.status).toBe(404);
    const list = await h.api('GET', `/v1/connect-requests?batchId=${res.body.batchId}`, { token: PLATFORMS.globex });
    expect(list.body.data).toEqual([]);
  });
});

describe('Idempotency-Key', () => {
  it.each([
    ['/v1/connect-requests', (t: string) => item(t, simKey('valid', t))],
    ['/v1/connect-requests/bulk', (t: string) => ({ items: [item(t, simKey('valid', t)), item(`${t}-2`, simKey('valid', `${t}-2`))] })],
  ])('%s: a replay answers the first response with Idempotent-Replayed, creating nothing', async (path, body) => {
    const key = `replay-${path.length}`;
    const first = await h.api('POST', path, { body: body(`idem-${path.length}`), headers: { 'idempotency-key': key } });
    expect(first.status).toBe(202);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const before = await countRequests();
    const replay = await h.api('POST', path, { body: body(`idem-${path.length}`), headers: { 'idempotency-key': key } });
    expect(replay.status).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers.location).toBe(first.headers.location);
    expect(replay.body).toEqual(first.body);
    expect(await countRequests()).toBe(before);

    const other = await h.api('POST', path, { body: body(`idem-other-${path.length}`), headers: { 'idempotency-key': key } });
    expect(other.status).toBe(422);
    expect(other.body.detail).toContain('different request body');
    expect(await countRequests()).toBe(before);
  });

  it('keys are per platform across both POST routes: a key used on one route is a 422 on the other', async () => {
    const single = await h.api('POST', '/v1/connect-requests', { body: item('cross-route', simKey('valid', 'cross-route')), headers: { 'idempotency-key': 'cross-route-key' } });
    expect(single.status).toBe(202);
    const before = await countRequests();
    const bulk = await h.api('POST', '/v1/connect-requests/bulk', { body: { items: [item('cross-route-2', simKey('valid', 'cross-route-2'))] }, headers: { 'idempotency-key': 'cross-route-key' } });
    expect(bulk.status, bulk.text).toBe(422);
    expect(bulk.body.type).toBe('urn:account-linker:problem:idempotency_key_reused');
    expect(await countRequests()).toBe(before);
    // The first call's answer is still the key's answer.
    const replay = await h.api('POST', '/v1/connect-requests', { body: item('cross-route', simKey('valid', 'cross-route')), headers: { 'idempotency-key': 'cross-route-key' } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(single.body.id);
  });

  it('two concurrent bulk calls with one key create one batch', async () => {
    const body = { items: Array.from({ length: 20 }, (_, i) => item(`conc-${i}`, simKey('valid', `conc-${i}`))) };
    const before = await countRequests();
    const [a, b] = await Promise.all([
      h.api('POST', '/v1/connect-requests/bulk', { body, headers: { 'idempotency-key': 'concurrent-1' } }),
      h.api('POST', '/v1/connect-requests/bulk', { body, headers: { 'idempotency-key': 'concurrent-1' } }),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body).toEqual(b.body);
    expect(a.body.accepted).toHaveLength(20);
    expect([a.headers['idempotent-replayed'], b.headers['idempotent-replayed']].filter(Boolean)).toEqual(['true']);
    expect(await countRequests()).toBe(before + 20);
  });

  it('keys are per platform: another platform may use the same key', async () => {
    const a = await h.api('POST', '/v1/connect-requests', { body: item('shared-key', simKey('valid', 'sk-a')), headers: { 'idempotency-key': 'same' } });
    const b = await h.api('POST', '/v1/connect-requests', { body: item('shared-key', simKey('valid', 'sk-a')), headers: { 'idempotency-key': 'same' }, token: PLATFORMS.globex });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.body.id).not.toBe(a.body.id);
  });

  it('a call that fails releases the key, so a retry with the same key can succeed', async () => {
    const bad = await h.api('POST', '/v1/connect-requests', { body: item('release', 'short'), headers: { 'idempotency-key': 'release-1' } });
    expect(bad.status).toBe(400);
    const good = await h.api('POST', '/v1/connect-requests', { body: item('release', simKey('valid', 'release')), headers: { 'idempotency-key': 'release-1' } });
    expect(good.status).toBe(202);
  });

  it('refuses a malformed key with 400', async () => {
    const res = await h.api('POST', '/v1/connect-requests/bulk', { body: { items: [item('k', simKey('valid', 'k'))] }, headers: { 'idempotency-key': 'has space' } });
    expect(res.status).toBe(400);
  });

  it('remembers a key for 24 hours', async () => {
    await h.api('POST', '/v1/connect-requests', { body: item('ttl', simKey('valid', 'ttl')), headers: { 'idempotency-key': 'ttl-1' } });
    const keys = await h.rt.redis.keys(`${h.rt.env.LINKER_REDIS_PREFIX}:{acme}:idem:*ttl-1`);
    expect(keys).toHaveLength(1);
    const ttl = await h.rt.redis.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
  });
});
