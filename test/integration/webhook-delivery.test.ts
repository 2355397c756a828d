import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { simKey } from '../../src/sim/index.js';
import { generateWebhookSecret } from '../../src/webhooks/signer.js';
import type { Job } from 'bullmq';
import { batchJobOf } from '../helpers/deliver-jobs.js';
import { settleAbandonedDelivery } from '../../workers/settle-abandoned-delivery.js';
import { WebhookMessageStore } from '../../src/store/webhook-message-store.js';
import { retentionOf } from '../../src/store/retention.js';
import { deliverProcessorOf } from '../../workers/deliver-workers.js';
import type { WorkJob } from '../../src/queues/work-job.js';
import { createSafeDispatcher } from '../../src/webhooks/safe-dispatcher.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { freePort } from '../helpers/free-port.js';
import {
  deleteAllEndpoints,
  messagesOf,
  OTHER_PLATFORM,
  registerEndpoint,
  submitLink,
  waitForAttempts,
  waitForConfirmation,
} from '../helpers/webhook-api.js';

// Four attempts: immediately, then after 1 s (ample time to start a receiver on a refused port in
// between, even on a busy machine), 100 ms and 100 ms. A receiver that has not answered after 500 ms has failed.
const SCHEDULE = ['1s', '100ms', '100ms'];
const TIMEOUT_MS = 500;

let h: Harness;
const receivers: WebhookReceiver[] = [];
const usedKeys: string[] = [];

function key(prefix: string, seed: string): string {
  const k = simKey(prefix, `webhook-delivery-${seed}`);
  usedKeys.push(k);
  return k;
}

async function receiver(...args: Parameters<typeof startWebhookReceiver>): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(...args);
  receivers.push(started);
  return started;
}

beforeAll(async () => {
  h = await startHarness('webhook-delivery', {
    env: { LINKER_WEBHOOK_RETRY_SCHEDULE: SCHEDULE.join(','), LINKER_WEBHOOK_TIMEOUT: `${TIMEOUT_MS}ms` },
  });
});
afterEach(async () => {
  await deleteAllEndpoints(h);
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
afterAll(async () => h?.close());

describe('signatures (Standard Webhooks v1, checked with the standardwebhooks package)', () => {
  it('a receiver verifying with Webhook.verify accepts every message; tampering, a wrong secret and a 10-minute-old replay are rejected', async () => {
    const r = await receiver();
    const endpoint = await registerEndpoint(h, `${r.url}/hooks`);
    r.useSecrets([endpoint.secret]);
    expect(endpoint.secret).toMatch(/^whsec_/);

    const linked = await submitLink(h, 'tenant-sig-ok', key('valid', 'sig-ok'));
    const failed = await submitLink(h, 'tenant-sig-bad', key('invalid', 'sig-bad'));
    await waitForConfirmation(h, linked, 'confirmed');
    await waitForConfirmation(h, failed, 'confirmed');

    const received = await r.waitForRequests(2);
    expect(received.map((m) => m.verified)).toEqual([true, true]);
    const types = received.map((m) => JSON.parse(m.body).type).sort();
    expect(types).toEqual(['account.link_failed', 'account.linked']);

    const wh = new Webhook(endpoint.secret);
    for (const message of received) {
      const headers = message.headers as Record<string, string>;
      const body = JSON.parse(message.body);
      expect(Object.keys(body).sort()).toEqual(['data', 'timestamp', 'type']);
      expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
      expect(Math.abs(Number(headers['webhook-timestamp']) - message.at / 1000)).toBeLessThan(60);
      expect(wh.verify(message.body, headers)).toEqual(body);

      const tampered = message.body.replace(/"tenant-sig-(ok|bad)"/, '"tenant-evil"');
      expect(tampered).not.toBe(message.body);
      expect(() => wh.verify(tampered, headers)).toThrow(/signature/i);
      expect(() => new Webhook(generateWebhookSecret()).verify(message.body, headers)).toThrow(/signature/i);

      // A captured message replayed to the receiver 10 minutes later.
      vi.useFakeTimers({ now: message.at + 10 * 60_000, toFake: ['Date'] });
      try {
        expect(() => wh.verify(message.body, headers)).toThrow(/timestamp too old/i);
      } finally {
        vi.useRealTimers();
      }
    }

    // The webhook-id is the message id of the delivery log.
    const [message] = await messagesOf(h, linked);
    const linkedDelivery = received.find((m) => JSON.parse(m.body).type === 'account.linked')!;
    expect(linkedDelivery.headers['webhook-id']).toBe(message!.id);
    expect(JSON.parse(linkedDelivery.body).data).toMatchObject({ connectRequestId: linked, tenantId: 'tenant-sig-ok', status: 'linked', operation: 'created' });

    const metrics = (await h.api('GET', '/metrics')).text;
    expect(metrics).toMatch(/^linker_confirmation_latency_seconds_count [1-9]/m);
    expect(metrics).toMatch(/^linker_webhook_attempts_total\{outcome="delivered"\} [1-9]/m);
  });

  it('a receiver holding a different secret answers 401 to every attempt and the request ends unconfirmed', async () => {
    const r = await receiver({ secrets: [generateWebhookSecret()] });
    await registerEndpoint(h, r.url);
    const id = await submitLink(h, 'tenant-wrong-secret', key('valid', 'wrong-secret'));
    await waitForConfirmation(h, id, 'unconfirmed');
    expect(r.received.map((m) => m.answer)).toEqual(Array(SCHEDULE.length + 1).fill(expect.objectContaining({ status: 401 })));
  });
});

describe('retry schedule', () => {
  it('survives refused connection, 500 and a hang past the timeout, then confirms on 204 with one webhook-id', async () => {
    const port = await freePort();
    await registerEndpoint(h, `http://127.0.0.1:${port}/late`);
    const id = await submitLink(h, 'tenant-late', key('valid', 'late'));

    // Nothing listens yet: the first attempt is refused. Then the receiver comes up.
    const first = await waitForAttempts(h, id, 1);
    expect(first.attempts[0]).toMatchObject({ n: 1, httpStatus: null, error: expect.stringMatching(/ECONNREFUSED/) });
    const r = await receiver({ port });
    r.queue({ status: 500, body: 'database is down' }, { hang: true }, { status: 204 });

    const request = await waitForConfirmation(h, id, 'confirmed');
    expect(request.confirmation).toBe('confirmed');
    const [message] = await messagesOf(h, id);
    expect(message!.status).toBe('delivered');
    expect(message!.attempts.map((a) => [a.n, a.httpStatus])).toEqual([[1, null], [2, 500], [3, null], [4, 204]]);
    expect(message!.attempts[1]!.error).toBe('receiver answered 500: database is down');
    expect(message!.attempts[2]!.error).toBe(`no answer within ${TIMEOUT_MS} ms`);
    expect(message!.attempts[2]!.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(message!.attempts[3]!.error).toBeNull();
    for (const a of message!.attempts) expect(Date.parse(a.at)).not.toBeNaN();

    expect(r.received.map((m) => m.headers['webhook-id'])).toEqual([message!.id, message!.id, message!.id]);
    expect(new Set(r.received.map((m) => m.body)).size).toBe(1);
  });

  it('the status decides: a 2xx whose body never ends confirms, a 500 whose body stalls is logged with its excerpt, cut at the deadline', async () => {
    const r = await receiver();
    r.queue({ status: 500, body: 'half an error', holdBody: true }, { status: 200, body: '{"ok":', holdBody: true });
    await registerEndpoint(h, r.url);
    const id = await submitLink(h, 'tenant-endless', key('valid', 'endless'));
    await waitForConfirmation(h, id, 'confirmed');
    const [message] = await messagesOf(h, id);
    expect(message!.attempts.map((a) => [a.httpStatus, a.error])).toEqual([[500, `receiver answered 500 and its body was not finished within ${TIMEOUT_MS} ms: half an error`], [200, null]]);
  });

  it('exhausted schedule → unconfirmed; redeliver after the receiver recovers → confirmed', async () => {
    const r = await receiver();
    r.respond({ status: 503, body: 'maintenance' });
    await registerEndpoint(h, r.url);
    const id = await submitLink(h, 'tenant-exhaust', key('invalid', 'exhaust'));

    await waitForConfirmation(h, id, 'unconfirmed');
    let [message] = await messagesOf(h, id);
    expect(message!.status).toBe('failed');
    expect(message!.attempts).toHaveLength(SCHEDULE.length + 1);
    expect(message!.attempts.every((a) => a.httpStatus === 503)).toBe(true);

    // Redelivery is the platform's: another platform cannot see or trigger it.
    expect((await h.api('POST', `/v1/webhook-messages/${message!.id}/redeliver`, OTHER_PLATFORM)).status).toBe(404);
    expect((await h.api('POST', '/v1/webhook-messages/msg_nope/redeliver')).status).toBe(404);

    r.respond({ status: 200, body: 'ok' });
    const res = await h.api('POST', `/v1/webhook-messages/${message!.id}/redeliver`);
    expect(res.status, res.text).toBe(202);
    expect(res.body.status).toBe('pending');
    await waitForConfirmation(h, id, 'confirmed');
    [message] = await messagesOf(h, id);
    expect(message!.status).toBe('delivered');
    expect(message!.attempts.map((a) => a.httpStatus)).toEqual([...Array(SCHEDULE.length + 1).fill(503), 200]);
    expect(message!.attempts.map((a) => a.n)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(r.received.map((m) => m.headers['webhook-id']))).toEqual(new Set([message!.id]));
  });

  it('a message still being delivered cannot be redelivered (409)', async () => {
    const r = await receiver();
    r.respond({ hang: true });
    await registerEndpoint(h, r.url);
    const id = await submitLink(h, 'tenant-busy', key('valid', 'busy'));
    await r.waitForRequests(1);
    const [message] = await messagesOf(h, id);
    const res = await h.api('POST', `/v1/webhook-messages/${message!.id}/redeliver`);
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toContain(message!.id);
  });

  it('3xx is a failure and the redirect is never followed', async () => {
    const r = await receiver();
    r.respond((req) => (req.path === '/moved' ? { status: 301, headers: { location: `${r.url}/new-home` } } : { status: 204 }));
    await registerEndpoint(h, `${r.url}/moved`);
    const id = await submitLink(h, 'tenant-redirect', key('valid', 'redirect'));
    await waitForConfirmation(h, id, 'unconfirmed');
    const [message] = await messagesOf(h, id);
    expect(message!.attempts.map((a) => a.httpStatus)).toEqual(Array(SCHEDULE.length + 1).fill(301));
    expect(message!.attempts[0]!.error).toMatch(/301.*not followed/);
    expect(r.received.map((m) => m.path)).toEqual(Array(SCHEDULE.length + 1).fill('/moved'));
  });

  it.each([429, 503])('honours Retry-After on %i instead of the schedule', async (status) => {
    const r = await receiver();
    r.queue({ status, headers: { 'retry-after': '2' } });
    await registerEndpoint(h, r.url);
    const id = await submitLink(h, `tenant-retry-after-${status}`, key('valid', `retry-after-${status}`));
    await waitForConfirmation(h, id, 'confirmed');
    const [first, second] = r.received;
    // The schedule alone would retry after 1 s ± 10 %.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1950);
    const [message] = await messagesOf(h, id);
    expect(message!.attempts.map((a) => a.httpStatus)).toEqual([status, 204]);
  });

  it('410 Gone disables the endpoint: no retry, unconfirmed, and later events are not sent to it', async () => {
    const r = await receiver();
    r.respond({ status: 410 });
    const endpoint = await registerEndpoint(h, r.url);
    const id = await submitLink(h, 'tenant-gone', key('valid', 'gone'));
    await waitForConfirmation(h, id, 'unconfirmed');
    const [message] = await messagesOf(h, id);
    expect(message!.attempts.map((a) => a.httpStatus)).toEqual([410]);
    expect(message!.status).toBe('failed');
    expect((await h.api('GET', `/v1/webhook-endpoints/${endpoint.id}`)).body.status).toBe('disabled');

    const later = await submitLink(h, 'tenant-gone-2', key('valid', 'gone-2'));
    await waitForConfirmation(h, later, 'not_required');
    expect(r.received).toHaveLength(1);
  });
});

describe('idempotent delivery', () => {
  it('a deliver job that runs twice confirms once and records no phantom attempt', async () => {
    const r = await receiver();
    await registerEndpoint(h, r.url);
    // A paused queue holds the job back from the real worker while this test runs it by hand.
    await h.rt.producers.deliver.pause();
    let messageId: string;
    try {
      const id = await submitLink(h, 'tenant-twice', key('valid', 'twice'));
      const [message] = await waitFor(async () => {
        const list = await messagesOf(h, id);
        return list.length ? list : undefined;
      }, { what: 'the message to be recorded' });
      messageId = message!.id;
      const job = (await batchJobOf(h, messageId))!;
      expect(job.data).toEqual({ kind: 'batch', platformId: 'acme', ids: [messageId] });

      const dispatcher = createSafeDispatcher(h.rt.addressPolicy);
      const deliver = deliverProcessorOf(h.rt, dispatcher);
      try {
        const outcomes = await Promise.all([deliver(job), deliver(job)]);
        expect(outcomes.map((o) => o[messageId]).sort()).toEqual(['delivered', 'stale']);
        expect(await deliver(job)).toEqual({ [messageId]: 'settled' });
      } finally {
        await dispatcher.close();
      }

      await waitForConfirmation(h, id, 'confirmed');
      const [after] = await messagesOf(h, id);
      expect(after!.attempts).toHaveLength(1);
      // The receiver may see the same webhook-id twice (at-least-once); it deduplicates on it.
      expect(new Set(r.received.map((m) => m.headers['webhook-id']))).toEqual(new Set([messageId]));
    } finally {
      await h.rt.producers.deliver.resume();
    }
    // The queued job itself, run by the real worker now, changes nothing either.
    // Read the job again once it completed: a copy read while it ran has no return value.
    const job = await waitFor(async () => {
      const queued = await batchJobOf(h, messageId);
      return queued && (await queued.isCompleted()) ? batchJobOf(h, messageId) : undefined;
    }, { what: 'the queued deliver job to complete' });
    expect(job.returnvalue).toEqual({ [messageId]: 'settled' });
    expect((await h.api('GET', `/v1/webhook-messages/${messageId}`)).body.attempts).toHaveLength(1);
  });
});

describe('batch jobs and the hand-off', () => {
  it('first attempts queued in the same turn share batch jobs of at most 50 messages per platform', async () => {
    const stamp = Date.now().toString(36);
    const acme = Array.from({ length: 120 }, (_, i) => `msg_shared${stamp}${String(i).padStart(3, '0')}`);
    const other = [`msg_shared${stamp}other`];
    await Promise.all([h.rt.producers.enqueueFirstDeliveries('acme', acme), h.rt.producers.enqueueFirstDeliveries('globex', other)]);
    const dataOf = async (id: string) => (await h.rt.producers.deliver.getJob(`b-${id}`))?.data;
    expect(await dataOf(acme[0]!)).toEqual({ kind: 'batch', platformId: 'acme', ids: acme.slice(0, 50) });
    expect(await dataOf(acme[50]!)).toEqual({ kind: 'batch', platformId: 'acme', ids: acme.slice(50, 100) });
    expect(await dataOf(acme[100]!)).toEqual({ kind: 'batch', platformId: 'acme', ids: acme.slice(100) });
    expect(await dataOf(other[0]!)).toEqual({ kind: 'batch', platformId: 'globex', ids: other });
  });

  it('a batch job BullMQ gives up on fails the messages it still owned; one run again after a lost hand-off queues the next attempt', async () => {
    const r = await receiver();
    await registerEndpoint(h, r.url);
    await h.rt.producers.deliver.pause();
    let ids: string[] = [];
    try {
      ids = [await submitLink(h, 'tenant-abandoned-1', key('valid', 'abandoned-1')), await submitLink(h, 'tenant-abandoned-2', key('valid', 'abandoned-2'))];
      const [untried, tried] = await Promise.all(ids.map(async (id) => (await waitFor(async () => (await messagesOf(h, id))[0], { what: 'the message to be recorded' })).id as string));
      // The second message's first attempt already failed and was recorded, but the process died
      // before it queued the job for attempt 2.
      await h.rt.messages.recordDelivery('acme', tried!, { expectedCount: 0, attempt: { n: 1, at: new Date().toISOString(), httpStatus: 500, durationMs: 3, error: 'receiver answered 500' }, outcome: 'retry' });
      const job = { data: { kind: 'batch', platformId: 'acme', ids: [untried!, tried!] } } as Job<WorkJob>;

      await settleAbandonedDelivery(h.rt.messages, job, new Error('job stalled more than allowable limit'));

      const [gaveUp] = await messagesOf(h, ids[0]!);
      expect(gaveUp).toMatchObject({ status: 'failed', attempts: [{ n: 1, httpStatus: null, error: 'delivery could not complete: job stalled more than allowable limit' }] });
      await waitForConfirmation(h, ids[0]!, 'unconfirmed');
      const [carriedOn] = await messagesOf(h, ids[1]!);
      expect(carriedOn).toMatchObject({ status: 'pending', attempts: [{ n: 1, httpStatus: 500 }] });
      expect(await h.rt.producers.deliver.getJob(`${tried}-2`)).toBeUndefined();
    } finally {
      await h.rt.producers.deliver.resume();
    }
    // The batch job still queued, run by the real worker, finds both messages past its attempt: it
    // sends nothing, and queues the job for the second message's attempt 2, which confirms it.
    await waitForConfirmation(h, ids[1]!, 'confirmed');
    expect(r.received).toHaveLength(1);
    const [confirmed] = await messagesOf(h, ids[1]!);
    expect(confirmed!.attempts.map((a) => [a.n, a.httpStatus])).toEqual([[1, 500], [2, 204]]);
  });
  it('a first attempt reading its message from memory, stale because another process recorded that attempt, still queues the next attempt', async () => {
    const r = await receiver();
    await registerEndpoint(h, r.url);
    // Another process, with its own memory of fresh messages.
    const elsewhere = new WebhookMessageStore(h.rt.redis, h.rt.env.LINKER_REDIS_PREFIX, retentionOf(h.rt.env));
    await h.rt.producers.deliver.pause();
    let id = '';
    try {
      id = await submitLink(h, 'tenant-fresh-stale', key('valid', 'fresh-stale'));
      const message = (await waitFor(async () => (await messagesOf(h, id))[0], { what: 'the message to be recorded' })).id as string;
      // There the message's first attempt failed and was recorded, and that process died before
      // it queued the job for attempt 2.
      await elsewhere.recordDelivery('acme', message, { expectedCount: 0, attempt: { n: 1, at: new Date().toISOString(), httpStatus: 500, durationMs: 3, error: 'receiver answered 500' }, outcome: 'retry' });
    } finally {
      await h.rt.producers.deliver.resume();
    }
    // This process's batch job, for attempt 1, learns from the compare-and-set that it is stale.
    await waitForConfirmation(h, id, 'confirmed');
    const [confirmed] = await messagesOf(h, id);
    expect(confirmed!.attempts.map((a) => [a.n, a.httpStatus])).toEqual([[1, 500], [2, 204]]);
  });
});

describe('secrets', () => {
  it('no API key appears in any webhook body, header or the delivery log', async () => {
    const r = await receiver();
    await registerEndpoint(h, r.url);
    const ids = [
      await submitLink(h, 'tenant-secret-1', key('valid', 'secret-1')),
      await submitLink(h, 'tenant-secret-2', key('forbidden', 'secret-2')),
    ];
    for (const id of ids) await waitForConfirmation(h, id, 'confirmed');
    const everything = JSON.stringify(r.received) + JSON.stringify((await h.api('GET', '/v1/webhook-messages?limit=200')).body);
    expect(r.received.length).toBeGreaterThanOrEqual(2);
    expect(everything).toContain('tenant-secret-2');
    for (const apiKey of usedKeys) expect(everything).not.toContain(apiKey);
  });
});
