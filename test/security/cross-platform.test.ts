import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { PLATFORMS } from '../helpers/test-env.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { storedData } from '../helpers/stored-data.js';
import { securityRow } from '../helpers/security-table.js';

/** Ids of acme's objects the attacker (globex) aims at. */
interface Targets {
  request: string;
  batch: string;
  account: string;
  endpoint: string;
  message: string;
}

/**
 * Every route that takes an object id, as (method, path template). Add a row when a route lands;
 * rows whose route does not exist yet answer route_not_found and are reported as pending.
 */
const ID_ROUTES: Array<[method: string, template: string, target: keyof Targets]> = [
  ['GET', '/v1/connect-requests/:id', 'request'],
  ['GET', '/v1/batches/:id', 'batch'],
  ['GET', '/v1/accounts/:id', 'account'],
  ['POST', '/v1/accounts/:id/revalidate', 'account'],
  ['DELETE', '/v1/accounts/:id', 'account'],
  ['GET', '/v1/webhook-endpoints/:id', 'endpoint'],
  ['POST', '/v1/webhook-endpoints/:id/rotate-secret', 'endpoint'],
  ['DELETE', '/v1/webhook-endpoints/:id', 'endpoint'],
  ['GET', '/v1/webhook-messages/:id', 'message'],
  ['POST', '/v1/webhook-messages/:id/redeliver', 'message'],
];

/** List routes filtered by an id of the victim: the attacker must get an empty page. */
const LIST_ROUTES: Array<[template: string, target: keyof Targets | 'tenant']> = [
  ['/v1/connect-requests?batchId=:id', 'batch'],
  ['/v1/connect-requests?tenantId=:id', 'tenant'],
  ['/v1/connect-requests', 'request'],
  ['/v1/accounts?tenantId=:id', 'tenant'],
  ['/v1/accounts', 'account'],
  ['/v1/webhook-messages?connectRequestId=:id', 'request'],
  ['/v1/webhook-messages', 'message'],
  ['/v1/webhook-endpoints', 'endpoint'],
];

const TENANT = 'victim-tenant';
const ROUTE_NOT_FOUND = 'urn:account-linker:problem:route_not_found';
const NOT_FOUND = 'urn:account-linker:problem:not_found';

let h: Harness;
let receiver: WebhookReceiver;
let targets: Targets;
const apiKey = simKey('valid', 'cross-platform');

beforeAll(async () => {
  // The 401 case tries 80 bad tokens from one address, past the sign-in throttle's default.
  h = await startHarness('xplat', { env: { LINKER_SIGN_IN_FAILURES: '1000' } });
  receiver = await startWebhookReceiver();
  const endpoint = await h.api('POST', '/v1/webhook-endpoints', { body: { url: receiver.url } });
  expect(endpoint.status, endpoint.text).toBe(201);
  const bulk = await h.api('POST', '/v1/connect-requests/bulk', { body: { items: [{ tenantId: TENANT, provider: 'smartrecruiters', credentials: { apiKey } }] } });
  expect(bulk.status, bulk.text).toBe(202);
  const request = bulk.body.accepted[0].id as string;
  const linked = await waitFor(async () => {
    const r = (await h.api('GET', `/v1/connect-requests/${request}`)).body;
    return r.status === 'linked' && r.confirmation === 'confirmed' ? r : undefined;
  }, { what: 'the victim request to be linked and confirmed' });
  const messages = (await h.api('GET', `/v1/webhook-messages?connectRequestId=${request}`)).body.data;
  targets = { request, batch: bulk.body.batchId, account: linked.accountId, endpoint: endpoint.body.id, message: messages[0].id };
});
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

describe("another platform's token against your objects", () => {
  it('gets 404 not_found on every id route, exactly like an id that never existed, and changes nothing', async () => {
    const row = securityRow('attack', "other platform's token on every id route (read, revalidate, delete, rotate, redeliver)", '404 not_found identical to an unknown id; victim data unchanged');
    const before = await storedData(h);
    const webhooksBefore = receiver.received.length;
    const pending: string[] = [];
    for (const [method, template, target] of ID_ROUTES) {
      const path = template.replace(':id', targets[target]);
      const res = await h.api(method, path, { token: PLATFORMS.globex });
      if (res.body?.type === ROUTE_NOT_FOUND) {
        pending.push(`${method} ${template}`);
        continue;
      }
      row.runs++;
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(404);
      expect(res.body.type).toBe(NOT_FOUND);
      // No oracle: an id of another platform looks exactly like one that was never issued.
      const unknown = await h.api(method, template.replace(':id', `${targets[target].slice(0, 3)}nothere`), { token: PLATFORMS.globex });
      expect(unknown.status).toBe(404);
      expect(unknown.body.type).toBe(NOT_FOUND);
      expect(unknown.body.title).toBe(res.body.title);
    }
    if (pending.length) row.checked += `; pending until the route exists: ${pending.join(', ')}`;
    await new Promise((r) => setTimeout(r, 300));
    expect(await storedData(h)).toEqual(before);
    expect(receiver.received.length).toBe(webhooksBefore);
    expect(row.runs).toBeGreaterThanOrEqual(8);
  });

  it('sees empty lists when filtering by the victim ids', async () => {
    const row = securityRow('attack', "other platform's token listing with the victim's ids", 'empty pages');
    for (const [template, target] of LIST_ROUTES) {
      const id = target === 'tenant' ? TENANT : targets[target];
      const res = await h.api('GET', template.replace(':id', id), { token: PLATFORMS.globex });
      expect(res.status, res.text).toBe(200);
      expect(res.body.data).toEqual([]);
      row.runs++;
    }
    // The same lists do hold the victim's objects for the owner: the test can fail.
    expect((await h.api('GET', `/v1/connect-requests?batchId=${targets.batch}`)).body.data).toHaveLength(1);
  });

  it('no token, a malformed token or a near-miss token is 401 on every platform route', async () => {
    const row = securityRow('attack', 'missing, malformed and near-miss tokens', '401 problem+json with WWW-Authenticate');
    const tokens: Array<string | null> = [null, '', 'Bearer', PLATFORMS.acme.slice(0, -1), `${PLATFORMS.acme}x`, PLATFORMS.acme.toUpperCase(), ' ', 'x'.repeat(600)];
    for (const [method, template, target] of ID_ROUTES) {
      for (const token of tokens) {
        const headers: Record<string, string> = token === null ? {} : { authorization: token === 'Bearer' ? 'Bearer' : `Bearer ${token}` };
        const res = await h.api(method, template.replace(':id', targets[target]), { token: null, headers });
        if (res.body?.type === ROUTE_NOT_FOUND) continue;
        expect(res.status, `${method} ${template} with ${JSON.stringify(token)}`).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer');
        row.runs++;
      }
    }
  });
});
