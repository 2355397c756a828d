import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/cli/demo/webhook-receiver.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { delta, scrape, total } from '../helpers/prometheus.js';

let h: Harness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  h = await startHarness('metrics');
  receiver = await startWebhookReceiver();
  const endpoint = await h.api('POST', '/v1/webhook-endpoints', { body: { url: receiver.url } });
  expect(endpoint.status, endpoint.text).toBe(201);
  receiver.setSecret(endpoint.body.secret);
});
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

describe('/metrics before and after a run', () => {
  it('shows exactly the requests, provider calls, webhooks and confirmations the run produced', async () => {
    const mix = { valid: 8, invalid: 4, forbidden: 3, flaky1: 2, slow50: 1 } as const;
    const items = Object.entries(mix).flatMap(([prefix, n]) =>
      Array.from({ length: n }, (_, i) => ({ tenantId: `m-${prefix}-${i}`, provider: 'smartrecruiters', credentials: { apiKey: simKey(prefix, `metrics-${i}`) } })),
    );
    const before = await scrape(h.url);

    const bulk = await h.api('POST', '/v1/connect-requests/bulk', { body: { items } });
    expect(bulk.status, bulk.text).toBe(202);
    await waitFor(async () => {
      const batch = (await h.api('GET', `/v1/batches/${bulk.body.batchId}`)).body;
      return batch.confirmation.confirmed === items.length ? batch : undefined;
    }, { what: 'every request final and confirmed' });
    // The gauge of queue depths is read live; wait until the last deliver job has left "active".
    await waitFor(async () => total(await scrape(h.url), 'linker_queue_jobs', { state: 'active' }) === 0, { what: 'queues idle' });
    const after = await scrape(h.url);

    expect(delta(before, after, 'linker_connect_requests_accepted_total')).toBe(18);
    expect(delta(before, after, 'linker_connect_requests_finished_total', { status: 'linked' })).toBe(11);
    expect(delta(before, after, 'linker_connect_requests_finished_total', { status: 'failed', error_code: 'invalid_credentials' })).toBe(4);
    expect(delta(before, after, 'linker_connect_requests_finished_total', { status: 'failed', error_code: 'insufficient_permissions' })).toBe(3);

    const calls = (outcome: string) => delta(before, after, 'linker_provider_call_duration_seconds_count', { outcome });
    expect(calls('success')).toBe(11);
    expect(calls('invalid_credentials')).toBe(4);
    expect(calls('insufficient_permissions')).toBe(3);
    expect(calls('retryable')).toBe(2);
    // The slow key took at least 50 ms, so the latency histogram really measured something.
    expect(delta(before, after, 'linker_provider_call_duration_seconds_sum', { outcome: 'success' })).toBeGreaterThanOrEqual(0.05);

    expect(delta(before, after, 'linker_webhook_attempts_total', { outcome: 'delivered' })).toBe(18);
    expect(delta(before, after, 'linker_confirmation_latency_seconds_count')).toBe(18);
    expect(receiver.events.size).toBe(18);
    expect(receiver.rejected).toBe(0);

    // The 18 requests of one submit share a first-attempts job; each flaky key then had its own for the retry.
    expect(total(after, 'linker_queue_jobs', { queue: 'validate', state: 'completed' })).toBeGreaterThanOrEqual(3);
    expect(total(after, 'linker_queue_jobs', { queue: 'validate', state: 'waiting' })).toBe(0);
    // First attempts of results finished together share a job, so there are fewer jobs than messages.
    expect(total(after, 'linker_queue_jobs', { queue: 'deliver', state: 'completed' })).toBeGreaterThanOrEqual(1);
  });
});
