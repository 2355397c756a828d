import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { apiRoutes } from '../../src/api/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { ADMIN_TOKEN } from '../helpers/test-env.js';

let h: Harness;
let closed: Harness;
const ADMIN = ADMIN_TOKEN;

beforeAll(async () => {
  [h, closed] = await Promise.all([
    startHarness('docs', { workers: false }),
    startHarness('docs-noadmin', { workers: false, env: { LINKER_ADMIN_TOKEN: '' } }),
  ]);
});
afterAll(async () => Promise.all([h?.close(), closed?.close()]));

describe('/openapi.json', () => {
  it('documents every API route with its method', async () => {
    const doc = (await h.api('GET', '/openapi.json', { token: null })).body;
    expect(doc.openapi).toBe('3.1.0');
    const routes = apiRoutes(h.rt);
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      // Pages for a browser are listed as such; every other route is an operation.
      if (route.page) expect(doc['x-pages']).toContain(route.url);
      else expect(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${route.url}`).toMatchObject({ summary: route.summary });
    }
  });

  it('documents as required exactly the fields whose absence the API rejects', async () => {
    const doc = (await h.api('GET', '/openapi.json', { token: null })).body;
    const { $ref } = doc.paths['/v1/connect-requests'].post.requestBody.content['application/json'].schema;
    expect($ref).toBe('#/components/schemas/ConnectRequestInput');
    const body = doc.components.schemas.ConnectRequestInput;
    expect([...body.required].sort()).toEqual(['credentials', 'provider', 'tenantId']);
    expect(Object.keys(body.properties).sort()).toEqual(['credentials', 'metadata', 'provider', 'tenantId']);

    const full = { tenantId: 'docs-tenant', provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', 'docs') }, metadata: { a: 1 } };
    for (const field of body.required as string[]) {
      const { [field]: _omitted, ...partial } = full as Record<string, unknown>;
      const res = await h.api('POST', '/v1/connect-requests', { body: partial });
      expect(res.status, field).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(`body.${field}`);
    }
    const { metadata: _optional, ...minimal } = full;
    expect((await h.api('POST', '/v1/connect-requests', { body: minimal })).status).toBe(202);
    // The documented pattern is the one enforced.
    expect(new RegExp(body.properties.tenantId.pattern).test('has space')).toBe(false);
    expect((await h.api('POST', '/v1/connect-requests', { body: { ...minimal, tenantId: 'has space' } })).status).toBe(400);
  });

  it('marks platform routes as needing the bearer token and health routes as open', async () => {
    const doc = (await h.api('GET', '/openapi.json', { token: null })).body;
    expect(doc.paths['/v1/batches/{id}'].get.security).toEqual([{ platformToken: [] }]);
    expect(doc.paths['/v1/batches/{id}'].get.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
  });
});

describe('/docs', () => {
  it('renders Swagger UI from local assets only, pointing at the same document', async () => {
    const page = await h.api('GET', '/docs/', { token: null });
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui');
    expect(page.text).not.toMatch(/(src|href)=["']https?:/);
    const initializer = await h.api('GET', '/docs/static/swagger-initializer.js', { token: null });
    expect(initializer.status).toBe(200);
    const json = await h.api('GET', '/docs/json', { token: null });
    expect(json.body).toEqual((await h.api('GET', '/openapi.json', { token: null })).body);
  });
});

describe('/admin/queues', () => {
  it('refuses without the admin token, with a platform token or a wrong token', async () => {
    for (const token of [null, undefined, 'wrong-admin-token-000000']) {
      const res = await h.api('GET', '/admin/queues', { token });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await h.api('GET', '/admin/queues/api/queues', { token: null })).status).toBe(401);
  });

  it('shows the validate, deliver and revalidate queues to the admin', async () => {
    const page = await h.api('GET', '/admin/queues', { token: ADMIN });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    // The board's own script, served from bull-board's static files.
    const script = /<script[^>]+src="([^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    const asset = await h.api('GET', new URL(script!, 'http://x/admin/queues/').pathname, { token: ADMIN });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    const api = await h.api('GET', '/admin/queues/api/queues', { token: ADMIN });
    expect(api.status).toBe(200);
    expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['deliver', 'revalidate', 'validate']);
  });

  it('passes request bodies to the board and answers its unknown paths like any unknown route', async () => {
    const added = await h.api('POST', '/admin/queues/api/queues/revalidate/add', { token: ADMIN, body: { name: 'from-the-board', data: { note: 'kept' } } });
    expect(added.status).toBe(200);
    expect(added.body.job).toMatchObject({ name: 'from-the-board', data: { note: 'kept' } });
    const missing = await h.api('GET', '/admin/queues/no-such-page/here', { token: ADMIN });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
  });

  it('signs a browser in with a form that sets an HttpOnly cookie', async () => {
    const form = (token: string) => h.api('POST', '/admin/login', { token: null, raw: `token=${encodeURIComponent(token)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const wrong = await form('not-the-token-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const ok = await form(ADMIN);
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/admin/queues');
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Path=\/admin/);
    const page = await h.api('GET', '/admin/queues', { token: null, headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
  });

  it('stays closed when no admin token is configured', async () => {
    expect((await closed.api('GET', '/admin/queues', { token: ADMIN })).status).toBe(401);
    expect((await closed.api('GET', '/admin/queues/api/queues', { token: 'anything-anything-anything' })).status).toBe(401);
  });
});
