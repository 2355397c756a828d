import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { MAX_METADATA_BYTES } from '../../src/domain/schemas/common.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { storedData } from '../helpers/stored-data.js';
import { PLATFORMS } from '../helpers/test-env.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('quotas', { env: { LINKER_MAX_ENDPOINTS_PER_PLATFORM: '2' } });
});
afterAll(async () => h?.close());

const createEndpoint = (n: number, token?: string) => h.api('POST', '/v1/webhook-endpoints', { token, body: { url: `http://127.0.0.1:9/hook-${n}` } });

describe('webhook endpoints per platform (LINKER_MAX_ENDPOINTS_PER_PLATFORM=2)', () => {
  it('past the cap a creation gets 409 naming the limit and stores nothing; deleting one makes room', async () => {
    const first = await createEndpoint(1);
    const second = await createEndpoint(2);
    expect([first.status, second.status]).toEqual([201, 201]);

    const before = await storedData(h);
    const refused = await createEndpoint(3);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ type: 'urn:account-linker:problem:endpoint_limit', status: 409, limit: 2 });
    expect(refused.body.detail).toContain('LINKER_MAX_ENDPOINTS_PER_PLATFORM');
    expect(await storedData(h)).toEqual(before);

    // Another platform has its own cap.
    expect((await createEndpoint(4, PLATFORMS.globex)).status).toBe(201);

    expect((await h.api('DELETE', `/v1/webhook-endpoints/${first.body.id}`)).status).toBe(204);
    // Concurrent creations cannot pass the cap together: exactly one takes the free place.
    const racing = await Promise.all([5, 6, 7, 8].map((n) => createEndpoint(n)));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect((await h.api('GET', '/v1/webhook-endpoints')).body.data).toHaveLength(2);
  });
});

describe('stored metadata per request', () => {
  // Fewer characters than the cap, more bytes: the cap is on what is stored.
  const oversized = { note: 'é'.repeat(MAX_METADATA_BYTES / 2) };
  const item = (tenantId: string, metadata: Record<string, unknown>) => ({
    tenantId,
    provider: 'smartrecruiters',
    credentials: { apiKey: simKey('valid', `quota-${tenantId}`) },
    metadata,
  });

  it('a single link over the cap gets a 400 naming the limit and stores nothing', async () => {
    expect(JSON.stringify(oversized).length).toBeLessThan(MAX_METADATA_BYTES);
    const before = await storedData(h);
    const res = await h.api('POST', '/v1/connect-requests', { body: item('t-meta-1', oversized) });
    expect(res.status, res.text).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'body.metadata', message: expect.stringContaining(`${MAX_METADATA_BYTES} bytes`) }]);
    expect(await storedData(h)).toEqual(before);
  });

  it('a Hub session over the cap gets the same 400 and stores nothing', async () => {
    const before = await storedData(h);
    const res = await h.api('POST', '/v1/connect-sessions', { body: { tenantId: 't-meta-2', provider: 'smartrecruiters', metadata: oversized } });
    expect(res.status, res.text).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ path: 'body.metadata' });
    expect(await storedData(h)).toEqual(before);
  });

  it('in a bulk call only the item over the cap is rejected', async () => {
    const res = await h.api('POST', '/v1/connect-requests/bulk', { body: { items: [item('t-meta-3', { crm: 'a-1' }), item('t-meta-4', oversized)] } });
    expect(res.status, res.text).toBe(202);
    expect(res.body.accepted.map((a: { index: number }) => a.index)).toEqual([0]);
    expect(res.body.rejected).toEqual([{ index: 1, error: { code: 'invalid_input', message: expect.stringContaining(`items[1].metadata: metadata must serialize to at most ${MAX_METADATA_BYTES} bytes`) } }]);
  });
});
