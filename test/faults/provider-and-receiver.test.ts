import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { freePort } from '../helpers/free-port.js';
import { expectSettled } from '../helpers/settled.js';
import { securityRow } from '../helpers/security-table.js';

const ATTEMPTS = 4;
const THRESHOLD = 5;
/** The "503 for a minute", scaled down so the file stays under a minute. */
const OUTAGE_MS = 15_000;
const HANG_MS = 6_000;

let h: Harness;
let receiver: WebhookReceiver;
let receiverPort: number;
const delivered: string[] = [];
const apiKeys: string[] = [];

async function submit(label: string, n: number, kind = 'valid'): Promise<string> {
  const items = Array.from({ length: n }, (_, i) => {
    const apiKey = simKey(kind, `${label}-${i}`);
    apiKeys.push(apiKey);
    return { tenantId: `${label}-${i}`, provider: 'smartrecruiters', credentials: { apiKey } };
  });
  const res = await h.api('POST', '/v1/connect-requests/bulk', { body: { items } });
  expect(res.status, res.text).toBe(202);
  expect(res.body.accepted).toHaveLength(n);
  return res.body.batchId;
}

async function openReceiver() {
  receiver = await startWebhookReceiver({ port: receiverPort });
  return receiver;
}
async function closeReceiver() {
  delivered.push(...receiver.received.map((w) => w.body));
  await receiver.close();
}

async function attemptsOf(batchId: string) {
  return (await h.api('GET', `/v1/connect-requests?batchId=${batchId}&limit=500`)).body.data.map((r: any) => r.attempts) as Array<Array<{ outcome: string; httpStatus: number | null }>>;
}

beforeAll(async () => {
  receiverPort = await freePort();
  h = await startHarness('faults-provider', {
    env: {
      LINKER_VALIDATION_ATTEMPTS: String(ATTEMPTS),
      LINKER_BREAKER_THRESHOLD: String(THRESHOLD),
      LINKER_BREAKER_COOLDOWN: '1s',
      LINKER_PROVIDER_TIMEOUT: '300ms',
      LINKER_WEBHOOK_RETRY_SCHEDULE: '200ms,400ms,800ms,1600ms',
    },
  });
  await openReceiver();
  expect((await h.api('POST', '/v1/webhook-endpoints', { body: { url: receiver.url } })).status).toBe(201);
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

describe('provider faults', () => {
  it('a provider-wide 503 outage pauses validation for everyone instead of burning attempts, and resumes by itself', async () => {
    const row = securityRow('fault', `provider answers 503 for ${OUTAGE_MS / 1000} s, then recovers`, 'breaker pauses the queue; no tenant spends its attempts; all linked after recovery; settled');
    h.sim.setKnobs({ errorRate: 1 });
    const batchId = await submit('outage', 60);
    await waitFor(async () => h.logs.some((l) => l.includes('validation paused for every tenant')), { what: 'the breaker to open' });
    // Calls already in flight when it opened come back first; from then on only probes go out.
    await new Promise((r) => setTimeout(r, 1_000));
    const pausedAt = h.sim.stats();
    await new Promise((r) => setTimeout(r, OUTAGE_MS - 1_000));
    // About one probe per cool-down (1 s), not 60 tenants × 4 attempts.
    const callsWhilePaused = h.sim.stats().requests - pausedAt.requests;
    h.sim.setKnobs({ errorRate: 0 });
    const summary = await expectSettled(h, { batchIds: [batchId], apiKeys, receiver, logs: delivered });
    expect(summary.linked).toBe(60);
    expect(callsWhilePaused).toBeLessThanOrEqual(OUTAGE_MS / 1000);
    const attempts = await attemptsOf(batchId);
    // Only the outage's 503s before the breaker opened were counted, and nobody ran out. (On a
    // machine busy enough, the first calls after recovery can miss this file's 300 ms timeout: those
    // count as the timeouts they are, not as the outage.)
    const counted = attempts.flat().filter((a) => a.outcome === 'retryable' && a.httpStatus === 503).length;
    expect(counted, JSON.stringify(attempts.filter((a) => a.length > 1 || a[0]?.outcome !== "success"))).toBeLessThan(THRESHOLD);
    expect(Math.max(...attempts.map((a) => a.length))).toBeLessThan(ATTEMPTS);
    expect(h.logs.some((l) => l.includes('validation resumed'))).toBe(true);
    row.runs = summary.requests;
    row.checked += ` (${callsWhilePaused} provider calls while paused; ${counted} attempts counted in total)`;
  });

  it('a hanging provider (answers slower than the timeout) is treated the same way and recovers', async () => {
    const row = securityRow('fault', `provider hangs past the 300 ms timeout for ${HANG_MS / 1000} s`, 'timeouts retried, breaker pauses, all linked after recovery; settled');
    h.sim.setKnobs({ latencyMs: 5_000 });
    const batchId = await submit('hang', 40);
    await new Promise((r) => setTimeout(r, HANG_MS));
    h.sim.setKnobs({ latencyMs: 0 });
    const summary = await expectSettled(h, { batchIds: [batchId], apiKeys, receiver, logs: delivered });
    expect(summary.linked).toBe(40);
    const attempts = (await attemptsOf(batchId)).flat();
    expect(attempts.some((a) => a.outcome === 'retryable')).toBe(true);
    row.runs = summary.requests;
  });
});

describe('webhook receiver faults', () => {
  it('a receiver down for a while gets every result once it is back; one down past the schedule leaves visible unconfirmed, which redelivery fixes', async () => {
    const row = securityRow('fault', 'webhook receiver down (shorter and longer than the retry schedule)', 'confirmed after it returns; otherwise unconfirmed, then confirmed by redelivery; settled');
    await closeReceiver();
    const shortBatch = await submit('down-short', 20, 'invalid');
    await new Promise((r) => setTimeout(r, 1_000));
    await openReceiver();
    const short = await expectSettled(h, { batchIds: [shortBatch], apiKeys, receiver, logs: delivered });
    expect(short.confirmed).toBe(20);

    await closeReceiver();
    const longBatch = await submit('down-long', 20, 'invalid');
    const long = await expectSettled(h, { batchIds: [longBatch], apiKeys, logs: delivered });
    expect(long.unconfirmed).toBe(20);
    await openReceiver();
    const ids = (await h.api('GET', `/v1/connect-requests?batchId=${longBatch}&limit=500`)).body.data.map((r: any) => r.id);
    for (const id of ids) {
      const [message] = (await h.api('GET', `/v1/webhook-messages?connectRequestId=${id}`)).body.data;
      expect(message.status).toBe('failed');
      expect((await h.api('POST', `/v1/webhook-messages/${message.id}/redeliver`)).status).toBe(202);
    }
    const after = await expectSettled(h, { batchIds: [longBatch], apiKeys, receiver, logs: delivered });
    expect(after.confirmed).toBe(20);
    row.runs = short.requests + long.requests;
  });
});
