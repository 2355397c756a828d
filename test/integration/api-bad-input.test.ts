import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type ApiCall } from '../helpers/harness.js';

let h: Harness;
const validBody = { tenantId: 't-1', provider: 'smartrecruiters', credentials: { apiKey: 'valid-0123456789abcdef0123456789' } };

/** Keys that record data; rate-limit counters and BullMQ's queue meta are bookkeeping, not data. */
async function storedKeys(): Promise<string[]> {
  const dump = await h.dumpRedis();
  return dump
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[0]!)
    .filter((k) => !k.includes(':rate-limit:') && !k.endsWith(':meta'));
}

beforeAll(async () => {
  h = await startHarness('bad-input', { workers: false });
});
afterAll(async () => h?.close());

const cases: [string, string, string, ApiCall, number][] = [
  ['missing tenantId', 'POST', '/v1/connect-requests', { body: { provider: 'smartrecruiters', credentials: { apiKey: validBody.credentials.apiKey } } }, 400],
  ['missing credentials', 'POST', '/v1/connect-requests', { body: { tenantId: 't', provider: 'smartrecruiters' } }, 400],
  ['number as tenantId (no coercion)', 'POST', '/v1/connect-requests', { body: { ...validBody, tenantId: 42 } }, 400],
  ['number as apiKey', 'POST', '/v1/connect-requests', { body: { ...validBody, credentials: { apiKey: 12345678901234567890123456789012 } } }, 400],
  ['unknown provider', 'POST', '/v1/connect-requests', { body: { ...validBody, provider: 'workday' } }, 400],
  ['unknown field', 'POST', '/v1/connect-requests', { body: { ...validBody, credential: {} } }, 400],
  ['metadata not an object', 'POST', '/v1/connect-requests', { body: { ...validBody, metadata: 'x' } }, 400],
  ['array body', 'POST', '/v1/connect-requests', { body: [validBody] }, 400],
  ['empty body', 'POST', '/v1/connect-requests', { raw: '' }, 400],
  ['malformed JSON', 'POST', '/v1/connect-requests', { raw: '{"tenantId": "t-1",' }, 400],
  ['1 MB+ body', 'POST', '/v1/connect-requests', { raw: JSON.stringify({ ...validBody, metadata: { pad: 'x'.repeat(3 * 1024 * 1024) } }) }, 413],
  ['text/plain body', 'POST', '/v1/connect-requests', { raw: 'hello', headers: { 'content-type': 'text/plain' } }, 415],
  ['no token', 'POST', '/v1/connect-requests', { body: validBody, token: null }, 401],
  ['wrong token', 'POST', '/v1/connect-requests', { body: validBody, token: 'not-a-real-token-at-all' }, 401],
  ['bulk without items', 'POST', '/v1/connect-requests/bulk', { body: {} }, 400],
  ['bulk items not an array', 'POST', '/v1/connect-requests/bulk', { body: { items: 'x' } }, 400],
  ['bulk empty items', 'POST', '/v1/connect-requests/bulk', { body: { items: [] } }, 400],
  ['bulk over the limit', 'POST', '/v1/connect-requests/bulk', { body: { items: Array.from({ length: 1001 }, (_, i) => ({ ...validBody, tenantId: `t-${i}` })) } }, 400],
  ['bulk no token', 'POST', '/v1/connect-requests/bulk', { body: { items: [validBody] }, token: null }, 401],
  ['list with bad status', 'GET', '/v1/connect-requests?status=done', {}, 400],
  ['list with limit 0', 'GET', '/v1/connect-requests?limit=0', {}, 400],
  ['list with limit abc', 'GET', '/v1/connect-requests?limit=abc', {}, 400],
  ['list with unknown filter', 'GET', '/v1/connect-requests?colour=red', {}, 400],
  ['list no token', 'GET', '/v1/connect-requests', { token: null }, 401],
  ['unknown request id', 'GET', '/v1/connect-requests/cr_nope', {}, 404],
  ['unknown batch', 'GET', '/v1/batches/bat_nope', {}, 404],
  ['unknown account', 'GET', '/v1/accounts/acc_nope', {}, 404],
  ['accounts bad status', 'GET', '/v1/accounts?status=gone', {}, 400],
  ['webhook endpoint without url', 'POST', '/v1/webhook-endpoints', { body: {} }, 400],
  ['webhook endpoint bad url', 'POST', '/v1/webhook-endpoints', { body: { url: 'not a url' } }, 400],
  ['webhook endpoint unknown event', 'POST', '/v1/webhook-endpoints', { body: { url: 'https://example.com/hook', events: ['account.exploded'] } }, 400],
  ['webhook endpoint ftp url', 'POST', '/v1/webhook-endpoints', { body: { url: 'ftp://example.com/hook' } }, 400],
  ['unknown endpoint delete', 'DELETE', '/v1/webhook-endpoints/we_nope', {}, 404],
  ['unknown message redeliver', 'POST', '/v1/webhook-messages/msg_nope/redeliver', {}, 404],
  ['unknown route', 'GET', '/v1/nothing-here', {}, 404],
];

describe('bad input on every route gets a clear 4xx problem and changes nothing', () => {
  it.each(cases)('%s: %s %s', async (_name, method, path, call, status) => {
    const before = await storedKeys();
    const res = await h.api(method, path, call);
    expect(res.status, res.text).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String), type: expect.stringMatching(/^urn:account-linker:problem:/) });
    expect(res.body.detail.length).toBeGreaterThan(10);
    expect(await storedKeys()).toEqual(before);
  });

  it('field errors name the path and the problem', async () => {
    const res = await h.api('POST', '/v1/connect-requests', { body: { ...validBody, tenantId: 42, provider: 'workday' } });
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.tenantId', 'body.provider']));
    expect(res.body.errors.find((e: { path: string }) => e.path === 'body.provider').message).toMatch(/unknown provider "workday"; supported: smartrecruiters/);
  });

  it('a missing provider is named as missing, not as an unknown one', async () => {
    const res = await h.api('POST', '/v1/connect-requests', { body: { tenantId: 't-1', credentials: validBody.credentials } });
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('body.provider: provider is required; supported: smartrecruiters');
  });

  it('nothing was queued by any of it', async () => {
    const counts = await h.rt.producers.validate.getJobCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
    expect(await storedKeys()).toEqual([]);
  });

  it('a 401 says how to authenticate', async () => {
    const res = await h.api('GET', '/v1/connect-requests', { token: null });
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body.detail).toMatch(/Authorization: Bearer/);
  });
});
