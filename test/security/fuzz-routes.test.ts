import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../src/api/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { PLATFORMS } from '../helpers/test-env.js';
import { storedData } from '../helpers/stored-data.js';
import { assertDocumented } from '../helpers/openapi-validator.js';
import { securityRow } from '../helpers/security-table.js';

/** Inputs per route; with ~14 routes this is several thousand requests. */
const RUNS_PER_ROUTE = 250;

const pollutingKeys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__');
const weirdString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\uFEFF', '\uD800', '../../etc/passwd', '%00', 'a'.repeat(5000), 'cr_01', 'smartrecruiters', 'null', '{}', '1e309'),
);
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    weirdString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(weirdString, pollutingKeys), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Bodies shaped like the real ones, with wrong types and hostile keys in every field. */
const nearMissBody = fc.record(
  {
    tenantId: jsonValue,
    provider: fc.oneof(fc.constant('smartrecruiters'), jsonValue),
    credentials: fc.oneof(fc.record({ apiKey: jsonValue }), jsonValue),
    metadata: jsonValue,
    items: fc.oneof(fc.array(jsonValue, { maxLength: 4 }), jsonValue),
    url: jsonValue,
    events: jsonValue,
    __proto__: fc.dictionary(pollutingKeys, jsonValue),
  },
  { requiredKeys: [] },
);

const rawBody = fc.oneof(
  jsonValue.map((v) => JSON.stringify(v) ?? ''),
  nearMissBody.map((v) => JSON.stringify(v)),
  fc.constantFrom('{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{', '[', '"', '{"a":1,}', 'null', '', '\u0000', '{"tenantId":"t","tenantId":"u"}'),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '', 'application/merge-patch+json', '*/*');
const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constant(`Bearer ${PLATFORMS.acme}`) },
  fc.constantFrom(`bearer ${PLATFORMS.acme}`, `Bearer  ${PLATFORMS.acme}`, `Basic ${Buffer.from('acme:x').toString('base64')}`, 'Bearer', '', `Bearer ${PLATFORMS.acme}\u0000`),
  weirdString.map((s) => `Bearer ${s}`),
);
/** Path segments: encoded arbitrary text, or raw sequences a router might trip over. */
const segment = fc.oneof(
  // Lone surrogates cannot be percent-encoded; replace them as a browser would.
  weirdString.map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD'))),
  fc.constantFrom('cr_x', 'bat_x', 'acc_x', 'we_x', 'msg_x', '..', '.', '%2e%2e', '%2F', '%ZZ', '%', '%00', '%C0%AF', 'a'.repeat(300)),
);
const queryString = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom('status', 'tenantId', 'batchId', 'limit', 'cursor', 'connectRequestId', '__proto__', 'constructor'), weirdString), fc.oneof(weirdString, fc.integer().map(String)), { maxKeys: 4 })
    .map((q) => new URLSearchParams(q).toString()),
  fc.constantFrom('limit=-1', 'limit=1e3', 'limit=0x10', 'limit=', 'status=linked&status=failed', 'cursor=%ZZ', 'a[b]=c', '__proto__[x]=1', '&&&', '%'),
);

let h: Harness;
beforeAll(async () => {
  h = await startHarness('fuzz', { workers: false, env: { LINKER_RATE_LIMIT_PER_MINUTE: '1000000', LINKER_WEBHOOK_ALLOWED_NETS: '', LINKER_LOG_LEVEL: 'warn' } });
});
afterAll(async () => h?.close());

describe('every route under thousands of malformed inputs', () => {
  it('never answers 5xx, never stores anything, and the process stays healthy', async () => {
    const routes = apiRoutes(h.rt);
    const row = securityRow('bad input', `fuzzed bodies, headers, ids and query strings on all ${routes.length} routes (fast-check)`, 'no 5xx; Redis data unchanged; nothing queued; no prototype pollution; /readyz still ready');
    const before = await storedData(h);
    const statuses = new Map<number, number>();

    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(segment, fc.option(queryString), fc.option(rawBody), contentType, authorization, fc.option(weirdString), async (id, query, body, type, auth, idemKey) => {
          const path = route.url.replace(':id', id) + (query ? `?${query}` : '');
          const headers: Record<string, string> = {};
          // undici refuses header values it cannot send (e.g. NUL); those never reach a server.
          for (const [name, value] of [['authorization', auth], ['content-type', type], ['idempotency-key', idemKey ?? '']] as const) {
            if (value && !/[\u0000\r\n]/.test(value) && /^[\t\x20-\x7e\x80-\xff]*$/.test(value)) headers[name] = value;
          }
          const res = await request(`${h.url}${path}`, { method: route.method, headers, body: route.method === 'GET' ? undefined : (body ?? undefined) });
          // Even a hostile call gets an answer /openapi.json declares (status, headers, body).
          await assertDocumented(h.url, route.method, path, { status: res.statusCode, headers: res.headers, text: await res.body.text() });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          row.runs++;
          if (res.statusCode >= 500) throw new Error(`${route.method} ${path} answered ${res.statusCode}`);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    }

    expect(row.runs).toBe(routes.length * RUNS_PER_ROUTE);
    // The property really reached the handlers: plenty of 400s and 404s, not only 401s.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
    expect(statuses.get(404) ?? 0).toBeGreaterThan(100);
    expect(await storedData(h)).toEqual(before);
    expect(await h.rt.producers.validate.count()).toBe(0);
    expect(await h.rt.producers.deliver.count()).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await h.api('GET', '/readyz', { token: null })).status).toBe(200);
    expect(h.logs.join('\n')).not.toMatch(/"level":50/);
  });
});
