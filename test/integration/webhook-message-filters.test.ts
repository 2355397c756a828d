import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { OTHER_PLATFORM, registerEndpoint, submitLink, waitForConfirmation } from '../helpers/webhook-api.js';

let h: Harness;
let r: WebhookReceiver;
const ids = { linked: '', invalid: '', refused: '' };
let accountId: string;
let firstCreatedAt: string;

const key = (prefix: string, seed: string) => simKey(prefix, `message-filters-${seed}`);
const listIds = async (query: string, token?: string) => {
  const res = await h.api('GET', `/v1/webhook-messages?${query}`, { token });
  expect(res.status, res.text).toBe(200);
  return (res.body.data as { id: string; connectRequestId: string | null }[]).map((m) => m.connectRequestId);
};

// Three results: one linked and delivered, one failed (invalid key) and delivered, one linked whose
// receiver refused every attempt (unconfirmed), then an unlink of the first account.
beforeAll(async () => {
  h = await startHarness('message-filters', { env: { LINKER_WEBHOOK_RETRY_SCHEDULE: '20ms' } });
  r = await startWebhookReceiver();
  await registerEndpoint(h, r.url);
  ids.linked = await submitLink(h, 'tenant-f-linked', key('valid', 'linked'));
  const linked = await waitForConfirmation(h, ids.linked, 'confirmed');
  accountId = linked.accountId;
  firstCreatedAt = linked.createdAt;
  ids.invalid = await submitLink(h, 'tenant-f-invalid', key('invalid', 'invalid'));
  await waitForConfirmation(h, ids.invalid, 'confirmed');
  r.respond({ status: 500 });
  ids.refused = await submitLink(h, 'tenant-f-refused', key('valid', 'refused'));
  await waitForConfirmation(h, ids.refused, 'unconfirmed');
  r.respond({ status: 204 });
  expect((await h.api('DELETE', `/v1/accounts/${accountId}`)).status).toBe(200);
  await waitFor(async () => (await listIds('type=account.unlinked&status=delivered')).length === 1, { what: 'the unlink message to be delivered' });
});
afterAll(async () => {
  await r?.close();
  await h?.close();
});

describe('GET /v1/webhook-messages filters', () => {
  it('by type, status, accountId and connectRequestId, newest first', async () => {
    expect(await listIds('type=account.linked')).toEqual([ids.refused, ids.linked]);
    expect(await listIds('type=account.link_failed')).toEqual([ids.invalid]);
    expect(await listIds('status=failed')).toEqual([ids.refused]);
    expect(await listIds(`accountId=${accountId}`)).toEqual([null, ids.linked]);
    expect(await listIds(`accountId=${accountId}&type=account.unlinked`)).toEqual([null]);
    expect(await listIds(`connectRequestId=${ids.invalid}`)).toEqual([ids.invalid]);
    expect(await listIds(`connectRequestId=${ids.invalid}&status=failed`)).toEqual([]);
  });

  it('by creation time: since and until, inclusive', async () => {
    const all = (await h.api('GET', '/v1/webhook-messages')).body.data as { connectRequestId: string | null; createdAt: string }[];
    const first = all.at(-1)!;
    const second = all.at(-2)!;
    expect(first.connectRequestId).toBe(ids.linked);
    expect(await listIds(`until=${first.createdAt}`)).toEqual([ids.linked]);
    expect(await listIds(`since=${second.createdAt}`)).toEqual(all.slice(0, -1).map((m) => m.connectRequestId));
    expect(await listIds(`since=${first.createdAt}&until=${second.createdAt}`)).toEqual([second.connectRequestId, ids.linked]);
    expect(await listIds(`until=${new Date(Date.parse(firstCreatedAt) - 60_000).toISOString()}`)).toEqual([]);
  });

  it('pages through a filter with limit and cursor', async () => {
    const first = await h.api('GET', '/v1/webhook-messages?status=delivered&limit=2');
    expect(first.body.data).toHaveLength(2);
    const second = await h.api('GET', `/v1/webhook-messages?status=delivered&limit=2&cursor=${first.body.nextCursor}`);
    const all = [...first.body.data, ...second.body.data].map((m: { connectRequestId: string | null }) => m.connectRequestId);
    expect(all).toEqual([null, ids.invalid, ids.linked]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("another platform sees none of them", async () => {
    expect(await listIds('status=delivered', OTHER_PLATFORM.token)).toEqual([]);
  });

  it.each([
    ['an unknown type', 'type=account.exploded', 'query.type'],
    ['an unknown status', 'status=lost', 'query.status'],
    ['a time that is not RFC 3339', 'since=yesterday', 'query.since'],
    ['since after until', 'since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z', 'query.since'],
    ['an unknown filter', 'tenant=t-1', 'query'],
  ])('%s is a 400 naming the field', async (_name, query, path) => {
    const res = await h.api('GET', `/v1/webhook-messages?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors[0].path).toBe(path);
  });
});

describe('POST /v1/webhook-messages/redeliver', () => {
  it('bad filters and limits are a 400 that changes nothing', async () => {
    // The whole delivery log and the deliver queues stand for what a bulk redelivery could change.
    const state = async () => [(await h.api('GET', '/v1/webhook-messages?limit=500')).text, await Promise.all(h.rt.producers.deliver.shards.map((q) => q.getJobCounts()))];
    const before = await state();
    for (const body of [{ status: 'lost' }, { limit: 0 }, { limit: 1001 }, { limit: '5' }, { since: 'today' }, { everything: true }]) {
      const res = await h.api('POST', '/v1/webhook-messages/redeliver', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await state()).toEqual(before);
  });

  it('queues again at most `limit` finished messages the filter selects, newest first, and hands back a cursor for the rest', async () => {
    const received = r.received.length;
    // Read before redelivering: a redelivered message is pending (no longer `delivered`) until it is sent again.
    const delivered = (await h.api('GET', '/v1/webhook-messages?status=delivered&limit=2')).body.data.map((m: { id: string }) => m.id);
    const res = await h.api('POST', '/v1/webhook-messages/redeliver', { body: { status: 'delivered', limit: 2 } });
    expect(res.status, res.text).toBe(202);
    expect(res.body).toEqual({ redelivered: delivered, skipped: [], nextCursor: delivered[1] });
    await r.waitForRequests(received + 2);
    for (const id of res.body.redelivered) {
      await waitFor(async () => {
        const message = (await h.api('GET', `/v1/webhook-messages/${id}`)).body;
        return message.status === 'delivered' && message.attempts.length === 2;
      }, { what: `message ${id} delivered again` });
    }
  });

  it('turns the unconfirmed request confirmed, and leaves the others alone', async () => {
    const before = (await h.api('GET', `/v1/webhook-messages?connectRequestId=${ids.linked}`)).body.data[0].attempts.length;
    const res = await h.api('POST', '/v1/webhook-messages/redeliver', { body: { status: 'failed', type: 'account.linked' } });
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({ skipped: [], nextCursor: null });
    expect(res.body.redelivered).toHaveLength(1);
    await waitForConfirmation(h, ids.refused, 'confirmed');
    expect((await h.api('GET', `/v1/webhook-messages?connectRequestId=${ids.linked}`)).body.data[0].attempts.length).toBe(before);
  });
});

describe("a request's messages", () => {
  it('one per endpoint, paged by connectRequestId newest first, none of another request', async () => {
    const other = { token: OTHER_PLATFORM.token };
    const endpoints = await Promise.all([1, 2, 3].map(() => registerEndpoint(h, r.url, other)));
    const id = await submitLink(h, 'tenant-f-fan-out', key('valid', 'fan-out'), other);
    await waitForConfirmation(h, id, 'confirmed', other);
    const neighbour = await submitLink(h, 'tenant-f-neighbour', key('valid', 'neighbour'), other);
    await waitForConfirmation(h, neighbour, 'confirmed', other);

    const page = (cursor?: string) => h.api('GET', `/v1/webhook-messages?connectRequestId=${id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, other);
    const first = await page();
    expect(first.body.data).toHaveLength(2);
    const second = await page(first.body.nextCursor);
    expect(second.body.nextCursor).toBeNull();
    const messages = [...first.body.data, ...second.body.data] as { id: string; connectRequestId: string; endpointId: string }[];
    expect(messages.map((m) => m.connectRequestId)).toEqual([id, id, id]);
    expect(messages.map((m) => m.id)).toEqual(messages.map((m) => m.id).sort().reverse());
    expect(messages.map((m) => m.endpointId).sort()).toEqual(endpoints.map((e) => e.id).sort());
  });
});
