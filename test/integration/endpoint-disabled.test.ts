import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { scrape, total } from '../helpers/prometheus.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { deleteAllEndpoints, messagesOf, OTHER_PLATFORM, registerEndpoint, submitLink, waitForConfirmation } from '../helpers/webhook-api.js';

let h: Harness;
const receivers: WebhookReceiver[] = [];

async function receiver(): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver();
  receivers.push(started);
  return started;
}

const key = (prefix: string, seed: string) => simKey(prefix, `endpoint-disabled-${seed}`);
/**
 * What a refused call must leave as it was: every message of the platform with its attempts, every
 * endpoint, and the deliver queues. (Scanning the whole shared Redis, as storedData does, is slow
 * while other suites fill it.)
 */
async function deliveryState() {
  await waitFor(async () => (await h.api('GET', '/v1/webhook-messages?status=pending')).body.data.length === 0, { what: 'no message pending' });
  const messages = (await h.api('GET', '/v1/webhook-messages?limit=500')).body;
  const endpoints = (await h.api('GET', '/v1/webhook-endpoints')).body;
  const jobs = await Promise.all(h.rt.producers.deliver.shards.map((queue) => queue.getJobCounts()));
  return { messages, endpoints, jobs };
}

const disabledEvents = (r: WebhookReceiver) => r.received.map((m) => JSON.parse(m.body)).filter((body) => body.type === 'endpoint.disabled');

beforeAll(async () => {
  h = await startHarness('endpoint-disabled', { env: { LINKER_WEBHOOK_RETRY_SCHEDULE: '50ms' } });
});
afterEach(async () => {
  await deleteAllEndpoints(h);
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
afterAll(async () => h?.close());

/** An endpoint that answers 410 and one that accepts, both subscribed to everything. */
async function goneAndListening() {
  const gone = await receiver();
  gone.respond({ status: 410 });
  const listening = await receiver();
  const goneEndpoint = await registerEndpoint(h, gone.url);
  const listeningEndpoint = await registerEndpoint(h, listening.url);
  gone.useSecrets([goneEndpoint.secret]);
  listening.useSecrets([listeningEndpoint.secret]);
  return { gone, listening, goneEndpoint, listeningEndpoint };
}

describe('an endpoint disabled by 410 Gone is visible', () => {
  it('GET shows disabledReason and disabledAt; the other endpoint hears endpoint.disabled once, even when several messages got 410; a warn line and a metric', async () => {
    const { gone, listening, goneEndpoint } = await goneAndListening();
    const before = total(await scrape(h.url), 'linker_webhook_endpoints_disabled_total');

    const items = [1, 2, 3].map((n) => ({ tenantId: `tenant-410-${n}`, provider: 'smartrecruiters', credentials: { apiKey: key('valid', `burst-${n}`) } }));
    const bulk = await h.api('POST', '/v1/connect-requests/bulk', { body: { items } });
    expect(bulk.status, bulk.text).toBe(202);
    await gone.waitForRequests(1);
    const [event] = await waitFor(async () => (disabledEvents(listening).length ? disabledEvents(listening) : undefined), { what: 'the endpoint.disabled event' });

    const endpoint = (await h.api('GET', `/v1/webhook-endpoints/${goneEndpoint.id}`)).body;
    expect(endpoint).toMatchObject({ status: 'disabled', disabledReason: expect.stringMatching(/^the receiver answered 410 Gone to message msg_/), disabledAt: expect.any(String) });
    expect(Date.parse(endpoint.disabledAt)).not.toBeNaN();
    expect(event.data).toEqual({ endpointId: goneEndpoint.id, url: goneEndpoint.url, disabledReason: endpoint.disabledReason, disabledAt: endpoint.disabledAt });
    expect(listening.received.every((m) => m.verified)).toBe(true);

    // Every message to the gone endpoint has finished before counting what was announced.
    for (const { id } of bulk.body.accepted) await waitFor(async () => (await messagesOf(h, id)).every((m) => m.status !== 'pending'), { what: `messages of ${id} to finish` });
    expect(disabledEvents(listening)).toHaveLength(1);
    expect(total(await scrape(h.url), 'linker_webhook_endpoints_disabled_total') - before).toBe(1);
    const warnings = h.logs.filter((line) => line.includes('webhook endpoint disabled after 410 Gone'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, endpointId: goneEndpoint.id });
  });

  it('an endpoint subscribed to account events only does not get endpoint.disabled', async () => {
    const gone = await receiver();
    gone.respond({ status: 410 });
    const narrow = await receiver();
    await registerEndpoint(h, gone.url);
    await registerEndpoint(h, narrow.url, { events: ['account.linked'] });
    const id = await submitLink(h, 'tenant-410-narrow', key('valid', 'narrow'));
    await waitFor(async () => (await messagesOf(h, id)).every((m) => m.status !== 'pending'), { what: 'both messages to finish' });
    await narrow.waitForRequests(1);
    expect(narrow.received.map((m) => JSON.parse(m.body).type)).toEqual(['account.linked']);
  });
});

describe('redelivery and re-enabling', () => {
  it('redelivering to a disabled endpoint answers 409 and changes nothing; after enable it is sent and confirms', async () => {
    const { gone, goneEndpoint } = await goneAndListening();
    const id = await submitLink(h, 'tenant-410-redeliver', key('valid', 'redeliver'));
    await waitForConfirmation(h, id, 'confirmed');
    await waitFor(async () => (await messagesOf(h, id)).every((m) => m.status !== 'pending'), { what: 'both messages to finish' });
    const failed = (await messagesOf(h, id)).find((m) => m.endpointId === goneEndpoint.id)!;
    expect(failed.status).toBe('failed');

    const before = await deliveryState();
    const refused = await h.api('POST', `/v1/webhook-messages/${failed.id}/redeliver`);
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ type: 'urn:account-linker:problem:endpoint_disabled', detail: expect.stringContaining(`POST /v1/webhook-endpoints/${goneEndpoint.id}/enable`) });
    expect(await deliveryState()).toEqual(before);

    gone.respond({ status: 204 });
    const enabled = await h.api('POST', `/v1/webhook-endpoints/${goneEndpoint.id}/enable`);
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ id: goneEndpoint.id, status: 'enabled', disabledReason: null, disabledAt: null });
    expect((await h.api('POST', `/v1/webhook-endpoints/${goneEndpoint.id}/enable`)).body.status).toBe('enabled');

    expect((await h.api('POST', `/v1/webhook-messages/${failed.id}/redeliver`)).status).toBe(202);
    const delivered = await waitFor(async () => (await messagesOf(h, id)).find((m) => m.id === failed.id && m.status === 'delivered'), { what: 'the redelivery' });
    expect(delivered.attempts.map((a) => a.httpStatus)).toEqual([410, 204]);
    expect(gone.received.at(-1)!.verified).toBe(true);
  });

  it('redelivering to a deleted endpoint answers 409 and changes nothing', async () => {
    const r = await receiver();
    const endpoint = await registerEndpoint(h, r.url);
    const id = await submitLink(h, 'tenant-deleted-redeliver', key('valid', 'deleted'));
    await waitForConfirmation(h, id, 'confirmed');
    const [message] = await messagesOf(h, id);
    expect((await h.api('DELETE', `/v1/webhook-endpoints/${endpoint.id}`)).status).toBe(204);

    const before = await deliveryState();
    const refused = await h.api('POST', `/v1/webhook-messages/${message!.id}/redeliver`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: 'urn:account-linker:problem:endpoint_deleted', detail: expect.stringContaining(endpoint.id) });
    expect(await deliveryState()).toEqual(before);
  });

  it("enabling an unknown or another platform's endpoint is a 404 that stores nothing", async () => {
    const r = await receiver();
    const endpoint = await registerEndpoint(h, r.url);
    const before = await deliveryState();
    expect((await h.api('POST', '/v1/webhook-endpoints/we_01jzzzzzzzzzzzzzzzzzzzzzzz/enable')).status).toBe(404);
    expect((await h.api('POST', `/v1/webhook-endpoints/${endpoint.id}/enable`, OTHER_PLATFORM)).status).toBe(404);
    expect(await deliveryState()).toEqual(before);
  });
});
