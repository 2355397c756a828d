import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { requestResultEvent } from '../../src/webhooks/event-builder.js';
import { recordEventScriptArgs } from '../../src/store/webhook-message-store.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { messagesOf, registerEndpoint, submitLink, waitForConfirmation } from '../helpers/webhook-api.js';

// The validate worker builds the result event before the final transition, from the state it expects
// the transition to leave, and the transition records it in the same step. These tests hold that
// event to the one built afterwards from the stored request, and check the fallback when the
// expectation was wrong.

let h: Harness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  h = await startHarness('result-event');
  receiver = await startWebhookReceiver();
  await registerEndpoint(h, receiver.url);
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

async function sentAndStored(requestId: string) {
  await waitForConfirmation(h, requestId, 'confirmed');
  const [message] = await messagesOf(h, requestId);
  const stored = (await h.rt.requests.get('acme', requestId, { attempts: false }))!;
  return { sent: message!.payload, fromStored: requestResultEvent(stored), stored, recordedAt: (message as unknown as { createdAt: string }).createdAt };
}

describe('result event recorded with the final transition', () => {
  it('is the event of the stored request for a first link, a re-link of the same tenant and a failure', async () => {
    const first = await sentAndStored(await submitLink(h, 'tenant-event', simKey('valid', 'result-event-1')));
    expect(first.sent).toEqual(first.fromStored);
    expect(first.sent).toMatchObject({ type: 'account.linked', data: { operation: 'created', accountId: first.stored.accountId } });
    // Recorded by the transition itself: same instant, not a later step.
    expect(first.recordedAt).toBe(first.stored.completedAt);

    const again = await sentAndStored(await submitLink(h, 'tenant-event', simKey('valid', 'result-event-2')));
    expect(again.sent).toEqual(again.fromStored);
    expect(again.sent).toMatchObject({ data: { operation: 'updated', accountId: first.stored.accountId } });
    expect(again.recordedAt).toBe(again.stored.completedAt);

    const failed = await sentAndStored(await submitLink(h, 'tenant-event-bad', simKey('invalid', 'result-event-3')));
    expect(failed.sent).toEqual(failed.fromStored);
    expect(failed.sent).toMatchObject({ type: 'account.link_failed', data: { error: { code: 'invalid_credentials' } } });
    expect(failed.recordedAt).toBe(failed.stored.completedAt);
    expect(receiver.received.map((w) => JSON.parse(w.body))).toEqual(expect.arrayContaining([first.sent, again.sent, failed.sent]));
  });

  it('records nothing with the transition when the account came out differently than expected', async () => {
    // A request claimed while its tenant had no account; another link created one meanwhile.
    await h.rt.producers.validate.pause();
    try {
      const id = await submitLink(h, 'tenant-raced', simKey('valid', 'result-event-4'));
      const [claim] = await h.rt.requests.claimForValidation('acme', [id], 1);
      expect(claim!.tenantAccountId).toBeNull();
      const at = new Date();
      const wrong = { ...claim!.request!, status: 'linked' as const, accountId: 'acc_expectedbutwrong', operation: 'created' as const, completedAt: at.toISOString() };
      const event = { ...recordEventScriptArgs(await h.rt.publisher.prepareResult('acme', wrong), at), accountId: 'acc_expectedbutwrong', operation: 'created' as const };
      const link = { accountId: 'acc_createdbytransition', company: { identifier: 'c1', name: 'Raced Co' }, fingerprint: 'abcd' };

      const result = await h.rt.requests.transition('acme', id, { to: 'linked', link, event }, at);

      expect(result).toMatchObject({ result: 'applied', accountId: 'acc_createdbytransition' });
      expect(result.result === 'applied' && result.published).toBeUndefined();
      expect(await messagesOf(h, id)).toEqual([]);
      // The caller then publishes from the stored request, as after any transition without an event.
      await h.rt.publisher.publishResult('acme', (await h.rt.requests.get('acme', id))!);
      const { sent, fromStored } = await sentAndStored(id);
      expect(sent).toEqual(fromStored);
      expect(sent).toMatchObject({ data: { accountId: 'acc_createdbytransition' } });
    } finally {
      await h.rt.producers.validate.resume();
    }
  });
});
