import fc from 'fast-check';
import { Pool } from 'undici';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../src/api/app.js';
import { ID_PREFIX, newId, newShardedId, type IdKind } from '../../src/domain/ids.js';
import { DATA_SHARDS } from '../../src/domain/shards.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { PLATFORMS } from '../helpers/test-env.js';
import { storedData } from '../helpers/stored-data.js';
import { validatorFor } from '../helpers/openapi-validator.js';
import { securityRow } from '../helpers/security-table.js';
import { createOwnRecords, type OwnRecords } from '../helpers/own-records.js';
import { bodyText, oddString, queryText, type JsonSchema } from '../helpers/schema-fuzz.js';

/** At least this many inputs over all routes together. */
const TOTAL_INPUTS = Number(process.env.FUZZ_INPUTS ?? 20_000);
/** Requests in flight at once. */
const CONCURRENCY = 16;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

interface Target {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  url: string;
  body?: JsonSchema;
  query?: JsonSchema;
  /** How the body is sent: JSON (the API) or a form (the admin sign-in). */
  form?: boolean;
  /** A write that succeeds whatever it is sent and changes nothing (signing out). */
  alwaysAnswers?: boolean;
}

interface Input {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Must be refused: a write route's input. */
  write: boolean;
}

const schemaOf = (schema: z.ZodType | undefined) => (schema ? (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema) : undefined);

/** The kind of id a route's `:id` takes, from its collection. */
const KIND_BY_COLLECTION: Record<string, IdKind> = {
  'connect-requests': 'connectRequest',
  batches: 'batch',
  accounts: 'account',
  'webhook-endpoints': 'webhookEndpoint',
  'webhook-messages': 'webhookMessage',
};

/** Routes outside the spec list that read headers, cookies or forms. */
const EXTRA_TARGETS: Target[] = [
  { method: 'GET', url: '/admin/queues' },
  { method: 'GET', url: '/admin/queues/api/queues' },
  { method: 'POST', url: '/admin/login', form: true },
  { method: 'POST', url: '/admin/logout', alwaysAnswers: true },
  { method: 'GET', url: '/openapi.json' },
  { method: 'GET', url: '/docs/' },
  { method: 'GET', url: '/no-such-route/:id' },
];

let h: Harness;
let own: OwnRecords;
beforeAll(async () => {
  h = await startHarness('fuzz', {
    env: {
      LINKER_RATE_LIMIT_PER_MINUTE: '1000000',
      LINKER_SIGN_IN_FAILURES: '1000000',
      LINKER_WEBHOOK_ALLOWED_NETS: '127.0.0.0/8',
      LINKER_LOG_LEVEL: 'warn',
    },
  });
  own = await createOwnRecords(h);
}, 180_000);
// Set-up links tenants and clean-up scans the shared Redis: both outlast the default on a busy machine.
afterAll(async () => {
  await own?.receiver.close();
  await h?.close();
}, 180_000);

/** Ids aimed at one kind: real ones (read routes only), others' ids, and look-alikes that must not reach a Redis key. */
function idArbitrary(kind: IdKind | undefined, write: boolean): fc.Arbitrary<string> {
  const real = [own.requestId, own.accountId, own.batchId, own.endpointId, own.messageId];
  const prefix = kind ? ID_PREFIX[kind] : 'cr_';
  const sameKind = real.filter((id) => id.startsWith(prefix));
  const suffixed = (ids: string[]) => fc.constantFrom(...ids).chain((id) => fc.constantFrom(':attempts', ':history', ':cred', ':x', '0', '%00', '%2F..', '/', '.', '%', '%ZZ', ' ').map((suffix) => id + suffix));
  const lookAlikes = fc.oneof(
    // Sub-keys of the very record the route reads are the likeliest to reach a Redis key of another type.
    { weight: 3, arbitrary: suffixed(sameKind.length > 0 ? sameKind : real) },
    { weight: 1, arbitrary: suffixed(real) },
    { weight: 1, arbitrary: fc.constantFrom(...real).map((id) => id.toUpperCase()) },
    { weight: 1, arbitrary: fc.constantFrom(...real).map((id) => id.slice(0, -1)) },
    { weight: 1, arbitrary: fc.constantFrom(`${prefix}zzzzzzzzzzzzzzzzzzzzzzzzzz`, `${prefix}80000000000000000000000000`, `${prefix}`, prefix.slice(0, -1), `${prefix}${'0'.repeat(300)}`) },
    // At most 1000 characters: past 16 KB of request line Node itself answers 431, before the API sees it.
    { weight: 1, arbitrary: oddString.map((s) => encodeURIComponent(s.slice(0, 1000).replace(/[\uD800-\uDFFF]/g, '\uFFFD'))) },
  );
  // Well-formed ids of records that do not exist, in any data shard.
  const unknown = fc.integer({ min: 0, max: DATA_SHARDS - 1 }).map((shard) =>
    kind === 'webhookEndpoint' || kind === 'connectSession' ? newId(kind) : newShardedId(kind ?? 'connectRequest', shard),
  );
  return write ? fc.oneof(lookAlikes, unknown) : fc.oneof({ weight: 3, arbitrary: lookAlikes }, { weight: 1, arbitrary: unknown }, { weight: 1, arbitrary: fc.constantFrom(...real) });
}

/** Authorization headers: mostly the right platform token (so inputs reach the handlers), and Hub session look-alikes. */
function authorizationArbitrary(): fc.Arbitrary<string | undefined> {
  const [sessionId, platformId, secret] = own.sessionToken.split('.') as [string, string, string];
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(`Bearer ${PLATFORMS.acme}`) },
    { weight: 2, arbitrary: fc.constant(`Session ${own.sessionToken}`) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        `Session cs_zzzzzzzzzzzzzzzzzzzzzzzzzz.${platformId}.${secret}`,
        `Session ${sessionId}.${platformId}.${secret.slice(1)}x`,
        `Session ${sessionId}.nosuchplatform.${secret}`,
        `Session ${sessionId}.${platformId}`,
        `Session ${own.sessionToken}.extra`,
        `bearer ${PLATFORMS.acme}`,
        `Bearer  ${PLATFORMS.acme}`,
        'Bearer',
        `Basic ${Buffer.from('acme:x').toString('base64')}`,
      ),
    },
    { weight: 1, arbitrary: oddString.map((s) => `Bearer ${s}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const cookieArbitrary = fc.option(
  fc.oneof(
    fc.constantFrom('linker_admin=%', 'linker_admin=%E0%A4%A', 'linker_admin=%ZZ', 'a=%; linker_admin=%', 'linker_admin=', 'linker_admin', ';;;', `linker_admin=${'A'.repeat(43)}`, `linker_admin=${PLATFORMS.acme}`),
    oddString.map((s) => `linker_admin=${s}`),
  ),
  { nil: undefined },
);
const contentTypeArbitrary = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  fc.constantFrom('application/json; charset=utf-8', 'application/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '', '*/*', 'application/json%'),
);
const idempotencyKeyArbitrary = fc.option(fc.oneof(fc.constantFrom('fuzz-key-1', '%', '%E0%A4%A', 'a'.repeat(300)), oddString), { nil: undefined, freq: 4 });

/** undici refuses header values it cannot send (control characters, non-Latin-1); those never reach a server. */
const sendable = (value: string) => !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value) && /^[\t\x20-\x7e\x80-\xff]*$/.test(value);

function inputArbitrary(target: Target): fc.Arbitrary<Input> {
  const write = target.method !== 'GET';
  const kind = KIND_BY_COLLECTION[target.url.split('/')[2] ?? ''];
  const hasId = target.url.includes(':id');
  // A write must be refused for certain, so it may store nothing: its body breaks the schema or its id names nothing.
  const body: fc.Arbitrary<string | undefined> = target.form
    ? fc.oneof(oddString.map((s) => `token=${encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD'))}`), fc.constantFrom('token=%', 'token=%E0%A4%A', 'token', '=&=', ''))
    : target.method === 'GET'
      ? fc.constant(undefined)
      : bodyText(target.body, { refused: write && !hasId });
  return fc
    .record({
      id: hasId ? idArbitrary(kind, write) : fc.constant(''),
      query: fc.option(queryText(target.query), { nil: undefined, freq: target.query ? 1 : 4 }),
      body,
      authorization: authorizationArbitrary(),
      cookie: cookieArbitrary,
      contentType: target.form ? fc.constant('application/x-www-form-urlencoded') : contentTypeArbitrary,
      idempotencyKey: idempotencyKeyArbitrary,
    })
    .map(({ id, query, body: text, authorization, cookie, contentType, idempotencyKey }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of [
        ['authorization', authorization],
        ['cookie', cookie],
        ['content-type', text === undefined ? undefined : contentType],
        ['idempotency-key', idempotencyKey],
      ] as const) {
        if (value && sendable(value)) headers[name] = value;
      }
      // What a client library would send: characters a request line cannot hold are percent-encoded (a bare % stays).
      const path = (target.url.replace(':id', id) + (query ? `?${query}` : '')).replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
      return { method: target.method, path, headers, body: text, write: write && !target.alwaysAnswers };
    });
}

describe('schema-driven fuzzing of every route', () => {
  it(`${TOTAL_INPUTS}+ generated inputs: never a 5xx, every write refused stores nothing, the process stays healthy`, async () => {
    const specs = apiRoutes(h.rt);
    const targets: Target[] = [...specs.map((spec) => ({ method: spec.method, url: spec.url, body: schemaOf(spec.body), query: schemaOf(spec.query) })), ...EXTRA_TARGETS];
    const perTarget = Math.ceil(TOTAL_INPUTS / targets.length);
    const row = securityRow(
      'bad input',
      'schema-driven fuzzing of every route (fast-check from the zod schemas: deep nesting, huge and negative numbers, odd Unicode, __proto__ keys, id look-alikes, bad percent-encoding in cookies and headers)',
      `no 5xx on any of the ${targets.length} routes; every write input refused and Redis data unchanged; nothing queued; no prototype pollution; no error logged; /readyz still ready`,
    );
    const before = await storedData(h);
    const jobsBefore = await h.rt.producers.validate.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    const inputs = targets.flatMap((target, i) => fc.sample(inputArbitrary(target), { numRuns: perTarget, seed: SEED + i }));

    const pool = new Pool(h.url, { connections: CONCURRENCY });
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    const acceptedWrites: string[] = [];
    // Even a hostile call must get an answer /openapi.json declares (status, headers, body).
    const validator = await validatorFor(h.url);
    const undocumented: string[] = [];
    let next = 0;
    // Wall time depends on the machine's load; the CPU time of this process (client and server together) much less.
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const worker = async () => {
      while (next < inputs.length) {
        const input = inputs[next++]!;
        const res = await pool.request({ method: input.method as 'GET', path: input.path, headers: input.headers, body: input.body });
        const text = await res.body.text();
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        row.runs++;
        const summary = `${input.method} ${input.path.slice(0, 200)} ${JSON.stringify(input.headers).slice(0, 300)} ${(input.body ?? '').slice(0, 300)}`;
        const mismatches = validator.validate(input.method, input.path, { status: res.statusCode, headers: res.headers, text });
        if (mismatches.length > 0) undocumented.push(`${mismatches.join('; ')} ← ${summary}`);
        if (res.statusCode >= 500) serverErrors.push(`${res.statusCode} ${summary}`);
        if (input.write && res.statusCode < 400) acceptedWrites.push(`${res.statusCode} ${summary}`);
      }
    };
    try {
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    } finally {
      await pool.destroy();
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    row.checked += ` (${inputs.length} inputs in ${seconds.toFixed(0)} s, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} CPU-s, seed ${SEED})`;

    // Joined, so a failure shows the inputs themselves; FUZZ_SEED=<seed> replays the run.
    expect(serverErrors.slice(0, 20).join('\n'), `${serverErrors.length} answers ≥ 500, seed ${SEED}`).toBe('');
    expect(acceptedWrites.slice(0, 20).join('\n'), `${acceptedWrites.length} write inputs accepted, seed ${SEED}`).toBe('');
    expect(undocumented.slice(0, 20).join('\n'), `${undocumented.length} answers off /openapi.json, seed ${SEED}`).toBe('');
    expect(row.runs).toBeGreaterThanOrEqual(TOTAL_INPUTS);
    // The inputs reached the handlers, not only the authentication: plenty of each refusal.
    for (const status of [400, 401, 404]) expect(statuses.get(status) ?? 0, `status ${status} in ${JSON.stringify([...statuses])}`).toBeGreaterThan(100);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
    expect(await storedData(h)).toEqual(before);
    expect(await h.rt.producers.validate.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).toEqual(jobsBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await h.api('GET', '/readyz', { token: null })).status).toBe(200);
    expect(h.logs.join('\n')).not.toMatch(/"level":50/);
  }, 600_000);
});
