import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { createSafeDispatcher } from '../../src/webhooks/safe-dispatcher.js';
import { batchJobOf } from '../helpers/deliver-jobs.js';
import { deliverProcessorOf } from '../../workers/deliver-workers.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { messagesOf, registerEndpoint, waitForConfirmation } from '../helpers/webhook-api.js';

let h: Harness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  h = await startHarness('webhook-confirmation');
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

const batch = async (id: string) => {
  const res = await h.api('GET', `/v1/batches/${id}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
};

describe('batch confirmation counts', () => {
  it('move pending → confirmed / unconfirmed / not_required, never double-count, and follow a redelivery', async () => {
    let downTenantRecovered = false;
    receiver.respond((req) => {
      const { data } = JSON.parse(req.body) as { data: { tenantId: string } };
      return data.tenantId === 'batch-down' && !downTenantRecovered ? { status: 500 } : { status: 204 };
    });
    // Only successes are subscribed: the failed link has nobody to confirm it.
    await registerEndpoint(h, receiver.url, { events: ['account.linked'] });

    const tenants = [['batch-ok-1', 'valid'], ['batch-ok-2', 'valid'], ['batch-down', 'valid'], ['batch-refused', 'invalid']] as const;
    const res = await h.api('POST', '/v1/connect-requests/bulk', {
      body: { items: tenants.map(([tenantId, kind]) => ({ tenantId, provider: 'smartrecruiters', credentials: { apiKey: simKey(kind, `webhook-confirmation-${tenantId}`) } })) },
    });
    expect(res.status, res.text).toBe(202);
    const { batchId } = res.body;
    const idOf = Object.fromEntries(res.body.accepted.map(({ index, id }: { index: number; id: string }) => [tenants[index]![0], id]));
    expect((await batch(batchId)).confirmation.pending).toBe(4);

    const settled = await waitFor(async () => {
      const b = await batch(batchId);
      return b.confirmation.pending === 0 ? b : undefined;
    }, { what: 'every confirmation of the batch to settle' });
    expect(settled.total).toBe(4);
    expect(settled.counts).toMatchObject({ linked: 3, failed: 1 });
    expect(settled.confirmation).toEqual({ pending: 0, confirmed: 2, unconfirmed: 1, not_required: 1 });
    expect((await h.api('GET', `/v1/connect-requests/${idOf['batch-refused']}`)).body.confirmation).toBe('not_required');
    expect(await messagesOf(h, idOf['batch-refused']!)).toEqual([]);

    // At-least-once machinery repeating itself changes nothing: the result event published again,
    // and the delivered message's job run again.
    const okRequest = await h.rt.requests.get('acme', idOf['batch-ok-1']!, { attempts: false });
    expect(await h.rt.publisher.publishResult('acme', okRequest!)).toEqual([]);
    const [okMessage] = await messagesOf(h, idOf['batch-ok-1']!);
    const dispatcher = createSafeDispatcher(h.rt.addressPolicy);
    try {
      const job = (await batchJobOf(h, okMessage!.id))!;
      expect((await deliverProcessorOf(h.rt, dispatcher)(job))[okMessage!.id]).toBe('settled');
    } finally {
      await dispatcher.close();
    }
    expect((await batch(batchId)).confirmation).toEqual(settled.confirmation);
    expect(await messagesOf(h, idOf['batch-ok-1']!)).toHaveLength(1);

    // The receiver recovers; the platform redelivers the unconfirmed message.
    downTenantRecovered = true;
    const [downMessage] = await messagesOf(h, idOf['batch-down']!);
    expect((await h.api('POST', `/v1/webhook-messages/${downMessage!.id}/redeliver`)).status).toBe(202);
    await waitForConfirmation(h, idOf['batch-down']!, 'confirmed');
    expect((await batch(batchId)).confirmation).toEqual({ pending: 0, confirmed: 3, unconfirmed: 0, not_required: 1 });

    // Redelivering an already confirmed message sends it again but counts nothing twice.
    const before = receiver.received.length;
    expect((await h.api('POST', `/v1/webhook-messages/${okMessage!.id}/redeliver`)).status).toBe(202);
    await receiver.waitForRequests(before + 1);
    await waitFor(async () => ((await h.api('GET', `/v1/webhook-messages/${okMessage!.id}`)).body.status === 'delivered' ? true : undefined), { what: 'the redelivery to finish' });
    expect(receiver.received.at(-1)!.headers['webhook-id']).toBe(okMessage!.id);
    expect((await batch(batchId)).confirmation).toEqual({ pending: 0, confirmed: 3, unconfirmed: 0, not_required: 1 });
  });
});
