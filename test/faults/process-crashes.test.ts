import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { testEnvVars } from '../helpers/test-env.js';
import { PLATFORMS } from '../helpers/test-env.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { startService, type ServiceProcess } from '../helpers/service-process.js';
import { startRestartableRedis, type RestartableRedis } from '../helpers/redis-servers.js';
import { expectSettled } from '../helpers/settled.js';
import { securityRow } from '../helpers/security-table.js';

/**
 * Real `account-linker api` and `worker` processes on a private redis-server with AOF. An
 * in-process harness without workers on the same data is the observer (API reads, Redis scans).
 */
let redis: RestartableRedis;
let observer: Harness;
let receiver: WebhookReceiver;
let env: Record<string, string>;
const processes: ServiceProcess[] = [];
const output: string[] = [];
const apiKeys: string[] = [];

function items(label: string, n: number) {
  return Array.from({ length: n }, (_, i) => {
    const apiKey = simKey(i % 4 === 3 ? 'invalid' : 'valid', `${label}-${i}`);
    apiKeys.push(apiKey);
    return { tenantId: `${label}-${i}`, provider: 'smartrecruiters', credentials: { apiKey } };
  });
}

async function worker() {
  const p = await startService('worker', env, { output });
  processes.push(p);
  return p;
}

async function linkedCount(batchId: string): Promise<number> {
  const b = (await observer.api('GET', `/v1/batches/${batchId}`)).body;
  return b.counts.linked + b.counts.failed;
}

beforeAll(async () => {
  redis = await startRestartableRedis();
  receiver = await startWebhookReceiver();
  observer = await startHarness('crash', { workers: false, env: { REDIS_URL: redis.url } });
  // The simulator answers slowly so batches are mid-flight when the fault hits.
  observer.sim.setKnobs({ latencyMs: 150 });
  env = testEnvVars('crash', {
    REDIS_URL: redis.url,
    LINKER_REDIS_PREFIX: observer.rt.env.LINKER_REDIS_PREFIX,
    LINKER_ENCRYPTION_KEYS: observer.rt.env.LINKER_ENCRYPTION_KEYS!,
    SMARTRECRUITERS_BASE_URL: observer.sim.url,
    LINKER_LOCK_DURATION: '2s',
    LINKER_CONCURRENCY: '10',
    LINKER_LOG_LEVEL: 'info',
    LINKER_IDEMPOTENCY_LEASE: '3s',
  });
  expect((await observer.api('POST', '/v1/webhook-endpoints', { body: { url: receiver.url } })).status).toBe(201);
}, 60_000);
afterAll(async () => {
  for (const p of processes) await p.kill();
  await observer?.close();
  await receiver?.close();
  await redis?.close();
});

describe('process and Redis faults with real processes', () => {
  it('SIGKILL of a worker mid-batch: its jobs are picked up by another after the lock expires', async () => {
    const row = securityRow('fault', 'SIGKILL a worker mid-batch (LINKER_LOCK_DURATION=2s)', 'stalled jobs handed to the other worker; settled');
    const victim = await worker();
    await worker();
    const res = await observer.api('POST', '/v1/connect-requests/bulk', { body: { items: items('kill', 80) } });
    expect(res.status).toBe(202);
    await waitFor(async () => (await linkedCount(res.body.batchId)) >= 10, { what: 'the batch to be under way' });
    await victim.kill();
    const summary = await expectSettled(observer, { batchIds: [res.body.batchId], apiKeys, receiver, logs: output });
    expect(summary.requests).toBe(80);
    expect(summary.confirmed).toBe(80);
    row.runs = summary.requests;
  });

  it('Redis restarts (AOF) mid-batch: workers and API reconnect and nothing is lost', async () => {
    const row = securityRow('fault', 'restart Redis (AOF) mid-batch', 'processes reconnect; no request lost or counted twice; settled');
    if (!processes.some((p) => p.command === 'worker' && p.child.exitCode === null && p.child.signalCode === null)) await worker();
    const res = await observer.api('POST', '/v1/connect-requests/bulk', { body: { items: items('redis', 80) } });
    expect(res.status).toBe(202);
    await waitFor(async () => (await linkedCount(res.body.batchId)) >= 10, { what: 'the batch to be under way' });
    await redis.restart(1_500);
    const summary = await expectSettled(observer, { batchIds: [res.body.batchId], apiKeys, receiver, logs: output });
    expect(summary.requests).toBe(80);
    row.runs = summary.requests;
  });

  it('the API is killed during bulk submits: the retries finish the same batches, nothing stranded or doubled', async () => {
    const row = securityRow('fault', 'SIGKILL the API during bulk submits, client retries with Idempotency-Key', 'every tenant has exactly one request, all final and settled; no request left without a job');
    let api = await startService('api', env, { output });
    processes.push(api);
    const calls = Array.from({ length: 6 }, (_, i) => ({ key: `bulk-${i}`, body: JSON.stringify({ items: items(`api-${i}`, 50) }) }));
    const send = (url: string, call: (typeof calls)[number]) =>
      request(`${url}/v1/connect-requests/bulk`, {
        method: 'POST',
        body: call.body,
        headers: { authorization: `Bearer ${PLATFORMS.acme}`, 'content-type': 'application/json', 'idempotency-key': call.key },
      }).then(async (r) => ({ status: r.statusCode, body: (await r.body.json()) as any }), () => undefined);
    const first = calls.map((call) => send(api.url!, call));
    await new Promise((r) => setTimeout(r, 30));
    await api.kill();
    await Promise.all(first);
    api = await startService('api', env, { output });
    processes.push(api);
    await worker();
    // A client retries each call with its key until it gets an answer (409 = first attempt still being processed).
    const batchIds: string[] = [];
    for (const call of calls) {
      const answer = await waitFor(async () => {
        const r = await send(api.url!, call);
        return r && r.status === 202 ? r : undefined;
      }, { timeoutMs: 25_000, intervalMs: 300, what: `bulk ${call.key} to be answered` });
      expect(answer.body.accepted.length + answer.body.rejected.length).toBe(50);
      batchIds.push(answer.body.batchId);
    }
    const summary = await expectSettled(observer, { batchIds, apiKeys, receiver, logs: output });
    // Ids derive from the Idempotency-Key, so a retry after the kill re-finds (and enqueues) what
    // the killed call stored instead of creating new requests.
    const all = (await observer.api('GET', '/v1/connect-requests?limit=500')).body.data.filter((r: any) => r.tenantId.startsWith('api-'));
    const stranded = all.filter((r: any) => r.status !== 'linked' && r.status !== 'failed').length;
    const duplicates = all.length - new Set(all.map((r: any) => r.tenantId)).size;
    expect(stranded).toBe(0);
    expect(duplicates).toBe(0);
    expect(all).toHaveLength(300);
    row.runs = summary.requests;
    row.checked += ` (${summary.requests} accepted of 300 submitted; ${stranded} stranded, ${duplicates} doubled)`;
  });
});
