import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/domain/events.js';
import { PROBLEM_CODES } from '../../src/api/errors.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { OpenApiValidator } from '../helpers/openapi-validator.js';

let h: Harness;
let doc: any;

beforeAll(async () => {
  h = await startHarness('openapi-doc', { workers: false });
  doc = (await h.api('GET', '/openapi.json', { token: null })).body;
});
afterAll(async () => h?.close());

const REDOCLY = resolve(import.meta.dirname, '../../node_modules/.bin/redocly');

describe('/openapi.json', () => {
  it('passes Redocly lint with the recommended ruleset: 0 errors, 0 warnings', async () => {
    // Run outside the project, so only the recommended ruleset applies.
    const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
      // Exits non-zero on errors; the JSON report is printed either way.
      const run = await promisify(execFile)(REDOCLY, ['lint', '--extends', 'recommended', '--format', 'json', 'openapi.json'], { cwd: dir, encoding: 'utf8', timeout: 60_000 }).catch((error: { stdout: string }) => error);
      const report = JSON.parse(run.stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] };
      const found = report.problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
      expect(found).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('names the contract schemas as components, one per webhook event type too', () => {
    for (const name of ['ConnectRequest', 'ConnectRequestInput', 'Account', 'Batch', 'BulkResult', 'WebhookEndpoint', 'WebhookMessage', 'Problem', 'WebhookEvent']) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
    expect(Object.keys(doc.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      const schema = doc.webhooks[type].post.requestBody.content['application/json'].schema;
      const event = doc.components.schemas[schema.$ref.split('/').pop()];
      expect(event.properties.type).toEqual({ type: 'string', const: type });
    }
    // The delivery log's payload is the typed event union, not a bag of anything.
    expect(doc.components.schemas.WebhookMessage.properties.payload.$ref).toBe('#/components/schemas/WebhookEvent');
    // Bulk items are documented as connect requests although the server judges each on its own.
    const bulk = doc.paths['/v1/connect-requests/bulk'].post.requestBody.content['application/json'].schema;
    expect(bulk.properties.items.items).toEqual({ $ref: '#/components/schemas/ConnectRequestInput' });
  });

  it('documents the problem types, inFlightId, integer limits, timestamps and the Idempotency-Key bounds', () => {
    const problem = doc.components.schemas.Problem;
    expect(problem.properties.type.enum).toEqual(PROBLEM_CODES.map((code) => `urn:account-linker:problem:${code}`));
    expect(problem.properties.inFlightId).toMatchObject({ type: 'string' });
    const limit = doc.paths['/v1/connect-requests'].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 500 });
    expect(doc.components.schemas.ConnectRequest.properties.createdAt).toMatchObject({ type: 'string', format: 'date-time' });
    expect(doc.components.parameters.IdempotencyKey.schema).toMatchObject({ minLength: 1, maxLength: 255 });
    expect(doc.info.license).toEqual({ name: 'MIT', identifier: 'MIT' });
    expect(doc.servers).toHaveLength(1);
  });

  it('declares every status a platform route can answer, with its headers', () => {
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (!op.security?.some((s: object) => 'platformToken' in s)) continue;
        expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['401', '429']));
        expect(op.responses['429'].headers['Retry-After'].required, `${method} ${path}`).toBe(true);
        expect(op.responses['401'].headers['WWW-Authenticate'].required, `${method} ${path}`).toBe(true);
        if (op.requestBody) expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '413', '415']));
      }
    }
    expect(doc.paths['/v1/connect-requests'].post.responses['202'].headers.Location.required).toBe(true);
    expect(doc.paths['/v1/connect-requests'].post.responses['202'].headers['Idempotent-Replayed']).toBeDefined();
    expect(Object.keys(doc.paths['/v1/connect-requests'].post.responses)).toEqual(expect.arrayContaining(['409', '422']));
  });
});

describe('the response check every API test goes through', () => {
  const ok = (body: unknown, extra: Record<string, string> = {}) => ({ status: 200, headers: { 'content-type': 'application/json', ...extra }, text: JSON.stringify(body) });

  it('accepts a real answer and refuses an undeclared field, status, content type or header value', async () => {
    const validator = new OpenApiValidator(doc);
    const created = await h.api('POST', '/v1/webhook-endpoints', { body: { url: 'http://127.0.0.1:9/hook' } });
    expect(created.status).toBe(201);
    const real = await h.api('GET', `/v1/webhook-endpoints/${created.body.id}`);
    const path = `/v1/webhook-endpoints/${created.body.id}`;
    expect(validator.validate('GET', path, { ...real, status: 200 })).toEqual([]);

    expect(validator.validate('GET', path, ok({ ...real.body, surprise: 1 })).join()).toMatch(/additional properties/);
    expect(validator.validate('GET', path, ok({ ...real.body, createdAt: 'yesterday' })).join()).toMatch(/date-time/);
    expect(validator.validate('GET', path, { ...ok(real.body), status: 418 }).join()).toMatch(/status 418 is not declared/);
    expect(validator.validate('GET', path, { ...ok(real.body), headers: { 'content-type': 'text/html' } }).join()).toMatch(/content type "text\/html"/);
    expect(validator.validate('GET', path, ok(real.body, { 'x-ratelimit-remaining': 'lots' })).join()).toMatch(/X-RateLimit-Remaining/);
    // A 429 must say when to come back.
    const limited = { status: 429, headers: { 'content-type': 'application/problem+json' }, text: JSON.stringify({ type: 'urn:account-linker:problem:rate_limited', title: 't', status: 429, detail: 'd' }) };
    expect(validator.validate('GET', path, limited).join()).toMatch(/Retry-After is missing/);
    // Off the document: only a 404 problem is right.
    expect(validator.validate('GET', '/v1/nothing-here', ok({}))).toHaveLength(1);
  });
});
