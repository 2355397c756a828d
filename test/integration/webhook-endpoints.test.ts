import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { simKey } from '../../src/sim/index.js';
import { SECRET_OVERLAP_MS } from '../../src/store/webhook-endpoint-store.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { deleteAllEndpoints, OTHER_PLATFORM, registerEndpoint, submitLink, waitForConfirmation } from '../helpers/webhook-api.js';

let h: Harness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  h = await startHarness('webhook-endpoints');
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await deleteAllEndpoints(h);
  receiver.received.length = 0;
  receiver.useSecrets(undefined);
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

const ALL_EVENTS = ['account.linked', 'account.link_failed', 'account.invalidated', 'account.unlinked', 'endpoint.disabled'];

describe('managing endpoints', () => {
  it('creates with every event by default, shows the secret once, lists and deletes', async () => {
    const res = await h.api('POST', '/v1/webhook-endpoints', { body: { url: `${receiver.url}/a`, description: 'main' } });
    expect(res.status, res.text).toBe(201);
    const created = res.body;
    expect(created).toMatchObject({ id: expect.stringMatching(/^we_/), url: `${receiver.url}/a`, events: ALL_EVENTS, status: 'enabled', description: 'main' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(res.headers.location).toBe(`/v1/webhook-endpoints/${created.id}`);

    const one = await h.api('GET', `/v1/webhook-endpoints/${created.id}`);
    const list = await h.api('GET', '/v1/webhook-endpoints');
    expect(one.body).toEqual({ id: created.id, url: created.url, events: ALL_EVENTS, description: 'main', status: 'enabled', disabledReason: null, disabledAt: null, createdAt: created.createdAt });
    expect(list.body.data).toEqual([one.body]);
    expect(one.text + list.text).not.toContain(created.secret.slice(6));

    expect((await h.api('DELETE', `/v1/webhook-endpoints/${created.id}`)).status).toBe(204);
    expect((await h.api('GET', `/v1/webhook-endpoints/${created.id}`)).status).toBe(404);
    expect((await h.api('DELETE', `/v1/webhook-endpoints/${created.id}`)).status).toBe(404);
    expect((await h.api('GET', '/v1/webhook-endpoints')).body.data).toEqual([]);
  });

  it.each([
    ['a number as url', { url: 42 }],
    ['no url', { events: ['account.linked'] }],
    ['a relative url', { url: '/hooks' }],
    ['an ftp url', { url: 'ftp://127.0.0.1/hooks' }],
    ['credentials in the url', { url: 'http://user:pw@127.0.0.1/hooks' }],
    ['an unknown event', { url: 'http://127.0.0.1/hooks', events: ['account.exploded'] }],
    ['an empty event list', { url: 'http://127.0.0.1/hooks', events: [] }],
    ['an unknown field', { url: 'http://127.0.0.1/hooks', secret: 'whsec_mine' }],
  ])('refuses %s with a 400 problem and stores nothing', async (_what, body) => {
    const res = await h.api('POST', '/v1/webhook-endpoints', { body });
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toMatch(/\S/);
    expect((await h.api('GET', '/v1/webhook-endpoints')).body.data).toEqual([]);
  });

  it('another platform sees none of them (404 on get, delete and rotate; empty list)', async () => {
    const endpoint = await registerEndpoint(h, receiver.url);
    expect((await h.api('GET', `/v1/webhook-endpoints/${endpoint.id}`, OTHER_PLATFORM)).status).toBe(404);
    expect((await h.api('DELETE', `/v1/webhook-endpoints/${endpoint.id}`, OTHER_PLATFORM)).status).toBe(404);
    expect((await h.api('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, OTHER_PLATFORM)).status).toBe(404);
    expect((await h.api('GET', '/v1/webhook-endpoints', OTHER_PLATFORM)).body.data).toEqual([]);
    expect((await h.api('GET', `/v1/webhook-endpoints/${endpoint.id}`)).status).toBe(200);
  });

  it('event filters: each endpoint gets only the events it subscribed to', async () => {
    await registerEndpoint(h, `${receiver.url}/linked`, { events: ['account.linked'] });
    await registerEndpoint(h, `${receiver.url}/failed`, { events: ['account.link_failed'] });
    const linked = await submitLink(h, 'tenant-filter-ok', simKey('valid', 'webhook-filter'));
    const failed = await submitLink(h, 'tenant-filter-bad', simKey('invalid', 'webhook-filter'));
    await waitForConfirmation(h, linked, 'confirmed');
    await waitForConfirmation(h, failed, 'confirmed');
    const byPath = Object.fromEntries(receiver.received.map((r) => [r.path, JSON.parse(r.body).type]));
    expect(receiver.received).toHaveLength(2);
    expect(byPath).toEqual({ '/linked': 'account.linked', '/failed': 'account.link_failed' });
  });
});

describe('secret rotation', () => {
  it('during the overlap both the old and the new secret verify; after 24 h only the new one signs', async () => {
    const endpoint = await registerEndpoint(h, receiver.url);
    const oldSecret = endpoint.secret;
    const rotated = await h.api('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`);
    expect(rotated.status, rotated.text).toBe(200);
    const newSecret: string = rotated.body.secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect((await h.api('GET', `/v1/webhook-endpoints/${endpoint.id}`)).text).not.toContain(newSecret.slice(6));

    // A receiver that has not switched yet...
    receiver.useSecrets([oldSecret]);
    const first = await submitLink(h, 'tenant-rotate-1', simKey('valid', 'webhook-rotate-1'));
    await waitForConfirmation(h, first, 'confirmed');
    // ...and one that has.
    receiver.useSecrets([newSecret]);
    const second = await submitLink(h, 'tenant-rotate-2', simKey('valid', 'webhook-rotate-2'));
    await waitForConfirmation(h, second, 'confirmed');

    expect(receiver.received.map((r) => r.verified)).toEqual([true, true]);
    for (const message of receiver.received) {
      const headers = message.headers as Record<string, string>;
      expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
      expect(() => new Webhook(oldSecret).verify(message.body, headers)).not.toThrow();
      expect(() => new Webhook(newSecret).verify(message.body, headers)).not.toThrow();
    }

    const later = await h.rt.endpoints.get('acme', endpoint.id, Date.now() + SECRET_OVERLAP_MS + 60_000);
    expect(later!.activeSecrets).toEqual([newSecret]);
  });
});
