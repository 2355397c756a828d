import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { messagesOf, OTHER_PLATFORM, registerEndpoint, submitLink, waitForConfirmation } from '../helpers/webhook-api.js';

// Four deliver slots in the worker, at most two of them for one endpoint. The deadline is long
// enough for the healthy platform's links to finish well inside it, even on a busy machine.
const TIMEOUT_MS = 6000;
const CAP = 2;

let h: Harness;
let drip: WebhookReceiver;
let healthy: WebhookReceiver;

beforeAll(async () => {
  h = await startHarness('webhook-slow-receiver', {
    env: {
      LINKER_CONCURRENCY: '4',
      LINKER_WEBHOOK_ENDPOINT_CONCURRENCY: String(CAP),
      LINKER_WEBHOOK_TIMEOUT: `${TIMEOUT_MS}ms`,
      LINKER_WEBHOOK_RETRY_SCHEDULE: '100ms',
    },
  });
  // An error answer whose body gains a byte every 100 ms and never ends: no chunk timeout ever fires.
  drip = await startWebhookReceiver();
  drip.respond({ status: 500, body: 'slow', holdBody: true, dripMs: 100 });
  healthy = await startWebhookReceiver();
});
afterAll(async () => {
  await Promise.all([drip?.close(), healthy?.close()]);
  await h?.close();
});

describe('a receiver that drips its answer', () => {
  it('holds at most its endpoint’s slots while another platform’s webhooks are delivered, and each attempt ends at the deadline', async () => {
    await registerEndpoint(h, drip.url);
    const slow: string[] = [];
    for (let i = 0; i < 6; i++) slow.push(await submitLink(h, `tenant-drip-${i}`, simKey('valid', `slow-receiver-drip-${i}`)));
    await waitFor(async () => drip.open() >= CAP, { what: `${CAP} deliveries held by the dripping receiver` });

    await registerEndpoint(h, healthy.url, OTHER_PLATFORM);
    const fast: string[] = [];
    for (let i = 0; i < 4; i++) fast.push(await submitLink(h, `tenant-healthy-${i}`, simKey('valid', `slow-receiver-healthy-${i}`), OTHER_PLATFORM));
    for (const id of fast) await waitForConfirmation(h, id, 'confirmed', OTHER_PLATFORM);

    // Every healthy message went through while the dripping receiver still held its slots: no
    // attempt at it has ended yet, and it never had more than the cap in flight.
    const slowAttempts = await Promise.all(slow.map(async (id) => (await messagesOf(h, id))[0]?.attempts ?? []));
    expect(slowAttempts.flat()).toEqual([]);
    expect(drip.open()).toBe(CAP);
    expect(healthy.received).toHaveLength(fast.length);

    // The deadline covers the body too: the attempts end there, each logged as cut off.
    const [first] = await waitFor(async () => {
      const [message] = await messagesOf(h, slow[0]!);
      return message?.attempts.length ? message.attempts : undefined;
    }, { timeoutMs: 3 * TIMEOUT_MS, what: 'the first attempt at the dripping receiver to end' });
    expect(first).toMatchObject({ httpStatus: 500, error: expect.stringMatching(new RegExp(`^receiver answered 500 and its body was not finished within ${TIMEOUT_MS} ms: slow\\.*$`)) });
    expect(drip.maxOpen()).toBe(CAP);
  });
});
