import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { simKey } from '../../src/sim/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { storedData } from '../helpers/stored-data.js';
import { securityRow } from '../helpers/security-table.js';
import { createOwnRecords, type OwnRecords } from '../helpers/own-records.js';

/** `{"a":{"a":…1…}}` nested `depth` levels: a few kilobytes that overflow any recursive walk. */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const DEPTH = 5000;

let h: Harness;
let own: OwnRecords;
beforeAll(async () => {
  h = await startHarness('reported-500s', { env: { LINKER_LOG_LEVEL: 'warn' } });
  own = await createOwnRecords(h);
});
afterAll(async () => {
  await own?.receiver.close();
  await h?.close();
});

function expectProblem(res: { status: number; headers: Record<string, unknown>; text: string }, status: number) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
}

describe('inputs that used to answer 500', () => {
  it(`metadata nested ${DEPTH} levels deep is a 400 on the single, bulk and connect-session routes`, async () => {
    const row = securityRow('bad input', `metadata nested ${DEPTH} levels deep (single, bulk, bulk with Idempotency-Key, connect session)`, '400 problem+json naming the depth limit; nothing stored; no error logged');
    const before = await storedData(h);
    const item = (tenantId: string) => `{"tenantId":"${tenantId}","provider":"smartrecruiters","credentials":{"apiKey":"${simKey('valid', tenantId)}"},"metadata":${nested(DEPTH)}}`;
    const calls: [string, string, Record<string, string>][] = [
      ['/v1/connect-requests', item('deep-1'), {}],
      ['/v1/connect-requests/bulk', `{"items":[${item('deep-2')}]}`, {}],
      ['/v1/connect-requests/bulk', `{"items":[${item('deep-3')}]}`, { 'idempotency-key': 'deep-bulk' }],
      ['/v1/connect-sessions', `{"tenantId":"deep-4","provider":"smartrecruiters","metadata":${nested(DEPTH)}}`, {}],
    ];
    for (const [path, raw, headers] of calls) {
      const res = await h.api('POST', path, { raw, headers });
      expectProblem(res, 400);
      expect(res.body.detail).toMatch(/nest/);
      row.runs++;
    }
    // Within the body's depth but past metadata's own.
    const res = await h.api('POST', '/v1/connect-requests', { body: { tenantId: 'deep-5', provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', 'deep-5') }, metadata: JSON.parse(nested(20)) } });
    expectProblem(res, 400);
    expect(res.body.errors[0]).toMatchObject({ path: 'body.metadata' });
    row.runs++;
    expect(await storedData(h)).toEqual(before);
    expect(h.logs.join('\n')).not.toMatch(/"level":50/);
  });

  it('an admin cookie with bad percent-encoding is a 401', async () => {
    const row = securityRow('bad input', 'admin cookie with bad percent-encoding (linker_admin=%, %E0%A4%A, %ZZ)', '401 problem+json, not a URIError 500');
    for (const cookie of ['linker_admin=%', 'linker_admin=%E0%A4%A', 'linker_admin=%ZZ', 'a=%; linker_admin=%']) {
      const res = await request(`${h.url}/admin/queues`, { headers: { cookie } });
      const text = await res.body.text();
      expectProblem({ status: res.statusCode, headers: res.headers, text }, 401);
      row.runs++;
    }
  });

  it('a Hub session token with an out-of-range ULID is a 401', async () => {
    const row = securityRow('bad input', 'Hub session token whose id is a well-formed but out-of-range ULID', '401 session_invalid, not a decodeTime 500');
    const [, platformId, secret] = own.sessionToken.split('.');
    for (const id of ['cs_zzzzzzzzzzzzzzzzzzzzzzzzzz', 'cs_8zzzzzzzzzzzzzzzzzzzzzzzzz', 'cs_80000000000000000000000000']) {
      const res = await h.api('GET', '/hub/api/session', { token: null, headers: { authorization: `Session ${id}.${platformId}.${secret}` } });
      expectProblem(res, 401);
      expect(res.body.type).toBe('urn:account-linker:problem:session_invalid');
      row.runs++;
    }
  });

  it('a path id that is not an id of the route\'s kind is a 404 on every id route', async () => {
    const row = securityRow('bad input', 'path ids of another kind or with suffixes (<own id>:attempts, :history, :cred, other prefixes) on every id route', '404 problem+json; nothing stored; no WRONGTYPE 500');
    const before = await storedData(h);
    const ownIds = [own.requestId, own.accountId, own.batchId, own.endpointId, own.messageId];
    const lookAlikes = ownIds.flatMap((id) => [`${id}:attempts`, `${id}:history`, `${id}:cred`, `${id}:x`, `${id}0`, id.toUpperCase()]);
    const routes: [string, string, string][] = [
      ['GET', '/v1/connect-requests/:id', own.requestId],
      ['GET', '/v1/batches/:id', own.batchId],
      ['GET', '/v1/accounts/:id', own.accountId],
      ['POST', '/v1/accounts/:id/revalidate', own.accountId],
      ['DELETE', '/v1/accounts/:id', own.accountId],
      ['GET', '/v1/webhook-endpoints/:id', own.endpointId],
      ['DELETE', '/v1/webhook-endpoints/:id', own.endpointId],
      ['POST', '/v1/webhook-endpoints/:id/rotate-secret', own.endpointId],
      ['GET', '/v1/webhook-messages/:id', own.messageId],
      ['POST', '/v1/webhook-messages/:id/redeliver', own.messageId],
    ];
    for (const [method, url, realId] of routes) {
      const others = ownIds.filter((id) => id !== realId);
      for (const id of [...lookAlikes, ...others]) {
        const path = url.replace(':id', encodeURIComponent(id));
        const res = await h.api(method, path);
        expect(res.status, `${method} ${path}: ${res.text}`).toBe(404);
        expect(res.headers['content-type']).toContain('application/problem+json');
        row.runs++;
      }
    }
    expect(await storedData(h)).toEqual(before);
    expect(h.logs.join('\n')).not.toMatch(/"level":50/);
  });
});
