import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { key, platformBase } from '../../src/store/keys.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { subscribe } from '../helpers/link.js';

const RETENTION = { LINKER_RETENTION: '2s', LINKER_CONNECT_SESSION_TTL: '1s', LINKER_PROVIDER_TIMEOUT: '10s' };

let h: Harness;
let receiver: WebhookReceiver;
let base: string;

beforeAll(async () => {
  h = await startHarness('retention-mixed', { env: RETENTION });
  base = platformBase(h.rt.env.LINKER_REDIS_PREFIX, 'acme');
  receiver = await startWebhookReceiver();
  // The receiver refuses the results of one tenant until told otherwise: its message fails finally.
  let refusing = true;
  receiver.respond((request) => (refusing && request.event?.data.tenantId === 'mix-refused' ? { status: 500 } : { status: 204 }));
  (receiver as WebhookReceiver & { recover(): void }).recover = () => (refusing = false);
  await subscribe(h, receiver.url);
});
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

const get = async (path: string) => {
  const res = await h.api('GET', path);
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  return res.body;
};

/** Every page of a list route; each listed item must also answer its own GET. */
async function listAll(path: string, itemPath: (id: string) => string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { data: { id: string }[]; nextCursor: string | null } = await get(`${path}${path.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...page.data.map((item) => item.id));
    cursor = page.nextCursor;
  } while (cursor);
  for (const id of ids) await get(itemPath(id));
  return ids;
}

/**
 * The result event of a tenant's `nth` request (1-based), as the receiver got it. Records are read
 * from webhooks, not polled: under load a poll may come after a 2 s retention already removed them.
 */
async function result(tenantId: string, nth = 1): Promise<{ connectRequestId: string; accountId: string | null; status: string; operation: string | null }> {
  const results = () => [...new Map(receiver.received
    .filter((w) => w.event?.type.startsWith('account.link') && w.event.data.tenantId === tenantId)
    .map((w) => [w.event!.data.connectRequestId as string, w.event!.data as never])).values()];
  return waitFor(async () => results()[nth - 1] as Awaited<ReturnType<typeof result>> | undefined, { what: `result ${nth} of ${tenantId}` });
}

const link = async (tenantId: string, seed: string) => {
  const res = await h.api('POST', '/v1/connect-requests', { body: { tenantId, provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', seed) } } });
  expect(res.status, res.text).toBe(202);
  return res.body.id as string;
};

/** Every record key of this test's service (BullMQ's queue keys and the platform registry left out). */
async function recordKeys(): Promise<string[]> {
  const prefix = h.rt.env.LINKER_REDIS_PREFIX;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, page] = await h.rt.redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 20_000);
    keys.push(...page.filter((k) => !k.startsWith(`${prefix}:{global}`)));
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}

describe('after a mixed run and one retention period (LINKER_RETENTION=2s)', () => {
  const accounts = new Map<string, string>();

  it('runs links, failures, a finally failed and redelivered webhook, unlinks, a Hub session and an idempotent call', async () => {
    const items = [
      ['mix-a', 'valid'],
      ['mix-b', 'valid'],
      ['mix-bad', 'invalid'],
      ['mix-forbidden', 'forbidden'],
      ['mix-refused', 'valid'],
      ['mix-unlinked', 'valid'],
    ].map(([tenantId, kind]) => ({ tenantId, provider: 'smartrecruiters', credentials: { apiKey: simKey(kind!, `mix-${tenantId}`) } }));
    const bulk = await h.api('POST', '/v1/connect-requests/bulk', { body: { items } });
    expect(bulk.status, bulk.text).toBe(202);
    for (const { tenantId } of items as { tenantId: string }[]) {
      const r = await result(tenantId);
      expect(r.status).toBe(['mix-bad', 'mix-forbidden'].includes(tenantId) ? 'failed' : 'linked');
      if (r.accountId) accounts.set(tenantId, r.accountId);
    }

    // Its webhook failed finally (the receiver answered 500 to every attempt); redelivered once the receiver is back.
    const refused = receiver.received.filter((w) => w.event?.data.tenantId === 'mix-refused');
    const messageId = refused[0]!.headers['webhook-id'] as string;
    await waitFor(async () => (await get(`/v1/webhook-messages/${messageId}`)).status === 'failed', { what: 'the message to fail finally' });
    (receiver as WebhookReceiver & { recover(): void }).recover();
    expect((await h.api('POST', `/v1/webhook-messages/${messageId}/redeliver`)).status).toBe(202);
    await waitFor(async () => receiver.received.some((w) => w.headers['webhook-id'] === messageId && w.answer && 'status' in w.answer && w.answer.status === 204), { what: 'the redelivery to arrive' });

    expect((await h.api('DELETE', `/v1/accounts/${accounts.get('mix-unlinked')}`)).status).toBe(200);
    accounts.delete('mix-unlinked');

    await link('mix-single', 'mix-single');
    accounts.set('mix-single', (await result('mix-single')).accountId!);
    await link('mix-a', 'mix-a-2');
    expect(await result('mix-a', 2)).toMatchObject({ accountId: accounts.get('mix-a'), operation: 'updated' });

    const idem = await h.api('POST', '/v1/connect-requests', {
      headers: { 'idempotency-key': 'mix-idem-1' },
      body: { tenantId: 'mix-idem', provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', 'mix-idem') } },
    });
    expect(idem.status).toBe(202);
    accounts.set('mix-idem', (await result('mix-idem')).accountId!);

    const session = await h.api('POST', '/v1/connect-sessions', { body: { tenantId: 'mix-hub', provider: 'smartrecruiters' } });
    const hub = await h.api('POST', '/hub/api/connect', { token: null, headers: { authorization: `Session ${session.body.token}` }, body: { apiKey: simKey('valid', 'mix-hub') } });
    expect(hub.status, hub.text).toBe(202);
    accounts.set('mix-hub', (await result('mix-hub')).accountId!);
  });

  it('a batch keeps its counts readable after a request of it expired, until the batch expires', async () => {
    // The slow one waits out three 429s (Retry-After 2 s) on jobs of its own: it finishes well after the fast one.
    const items = [
      { tenantId: 'mix-batch-fast', provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', 'mix-batch-fast') } },
      { tenantId: 'mix-batch-slow', provider: 'smartrecruiters', credentials: { apiKey: simKey('ratelimit2t3', 'mix-batch-slow') } },
    ];
    const bulk = await h.api('POST', '/v1/connect-requests/bulk', { body: { items } });
    const fast: string = bulk.body.accepted[0].id;
    accounts.set('mix-batch-fast', (await result('mix-batch-fast')).accountId!);
    await waitFor(async () => (await h.api('GET', `/v1/connect-requests/${fast}`)).status === 404, { what: 'the fast request to expire' });
    const batch = await get(`/v1/batches/${bulk.body.batchId}`);
    expect(batch.total).toBe(2);
    expect(batch.counts.linked).toBe(1);
    expect(await listAll(`/v1/connect-requests?batchId=${bulk.body.batchId}`, (id) => `/v1/connect-requests/${id}`)).not.toContain(fast);
    accounts.set('mix-batch-slow', (await result('mix-batch-slow')).accountId!);
    await waitFor(async () => (await h.api('GET', `/v1/batches/${bulk.body.batchId}`)).status === 404, { what: 'the batch to expire' });
  });

  it('leaves exactly the live accounts, and every list route answers 200 with every listed item readable', async () => {
    const live = [...accounts.values()];
    const tenants = [...accounts.keys()];
    // An account stores a history list from its second entry on (the first is implied by the account).
    const withHistory = [];
    for (const id of live) if ((await get(`/v1/accounts/${id}`)).history.length > 1) withHistory.push(id);
    expect(withHistory).toEqual([accounts.get('mix-a')]);
    const shardOf = (accountId: string) => h.rt.accounts.bases.ofId('acme', accountId);
    const shards = [...new Set(live.map(shardOf))];
    const expected = [
      ...shards.flatMap((b) => [key.accountIndex(b), key.accountsByStatus(b, 'active')]),
      ...live.flatMap((id) => [key.account(shardOf(id), id), key.accountCredential(shardOf(id), id)]),
      ...withHistory.map((id) => key.accountHistory(shardOf(id), id)),
      ...tenants.map((t) => key.accountByTenant(shardOf(accounts.get(t)!), 'smartrecruiters', t)),
      // The platform's own configuration: its webhook endpoint.
      key.endpointIndex(base),
      key.endpointsVersion(base),
      ...(await get('/v1/webhook-endpoints')).data.map((e: { id: string }) => key.endpoint(base, e.id)),
    ].sort();
    await waitFor(async () => JSON.stringify(await recordKeys()) === JSON.stringify(expected), { timeoutMs: 30_000, what: 'only the live accounts to be left' }).catch(() => undefined);
    const left = await recordKeys();
    expect(left.filter((k) => !expected.includes(k)), 'unexpected keys').toEqual([]);
    expect(left).toEqual(expected);

    expect((await listAll('/v1/accounts', (id) => `/v1/accounts/${id}`)).sort()).toEqual([...live].sort());
    for (const status of ['active', 'invalid', 'revoked']) await listAll(`/v1/accounts?status=${status}`, (id) => `/v1/accounts/${id}`);
    for (const tenantId of [...tenants, 'mix-unlinked', 'mix-bad']) await listAll(`/v1/accounts?tenantId=${tenantId}`, (id) => `/v1/accounts/${id}`);
    expect(await listAll('/v1/connect-requests', (id) => `/v1/connect-requests/${id}`)).toEqual([]);
    for (const status of ['queued', 'validating', 'retrying', 'linked', 'failed']) expect(await listAll(`/v1/connect-requests?status=${status}`, (id) => `/v1/connect-requests/${id}`)).toEqual([]);
    expect(await listAll('/v1/connect-requests?tenantId=mix-a&status=linked', (id) => `/v1/connect-requests/${id}`)).toEqual([]);
    expect(await listAll('/v1/webhook-messages', (id) => `/v1/webhook-messages/${id}`)).toEqual([]);
  });

  it('a re-link of a tenant whose requests expired updates the same account', async () => {
    const id = await link('mix-a', 'mix-a-3');
    expect(await result('mix-a', 3)).toMatchObject({ connectRequestId: id, accountId: accounts.get('mix-a'), operation: 'updated' });
    const account = await get(`/v1/accounts/${accounts.get('mix-a')}`);
    expect(account.history.at(-1)).toMatchObject({ connectRequestId: id, operation: 'updated' });
  });
});
