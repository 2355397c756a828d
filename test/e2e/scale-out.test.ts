import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/cli/demo/webhook-receiver.js';
import { testClient } from '../helpers/linker-client.js';
import { unwrap } from '../../src/client/index.js';
import { bulkLink, listBatchRequests, waitForBatches } from '../../src/cli/demo/bulk-link.js';
import { expectedOutcomes, tenantMix } from '../../src/cli/demo/tenant-mix.js';
import type { ConnectRequest } from '../../src/domain/schemas/connect-request.js';
import type { Account } from '../../src/domain/schemas/account.js';
import { waitFor } from '../helpers/harness.js';
import { deleteByPrefix } from '../../src/store/delete-prefix.js';
import { testEnvVars } from '../helpers/test-env.js';
import { startService, type ServiceProcess } from '../helpers/service-process.js';

/**
 * Two API processes and three worker processes, as on separate machines but on loopback, link
 * 5,000 tenants; one worker is SIGKILLed mid-run. Nothing may be lost or recorded twice.
 */
const TENANTS = 5000;
const CONCURRENCY = 20;

let sim: Simulator;
let receiver: WebhookReceiver;
let env: Record<string, string>;
let apis: ServiceProcess[] = [];
let workers: ServiceProcess[] = [];

beforeAll(async () => {
  [sim, receiver] = await Promise.all([startSimulator({}), startWebhookReceiver()]);
  env = testEnvVars('scale', {
    SMARTRECRUITERS_BASE_URL: sim.url,
    // A killed worker's jobs are handed on after 2 s instead of 30 s.
    LINKER_LOCK_DURATION: '2s',
    LINKER_CONCURRENCY: String(CONCURRENCY),
    LINKER_RATE_LIMIT_PER_MINUTE: '100000',
  });
  [apis, workers] = await Promise.all([
    Promise.all([startService('api', env), startService('api', env)]),
    Promise.all([startService('worker', env), startService('worker', env), startService('worker', env)]),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([...apis, ...workers].map((p) => p.stop()));
  const redis = new Redis(inject('redisUrl'));
  if (env) await deleteByPrefix(redis, env.LINKER_REDIS_PREFIX!);
  redis.disconnect();
  await Promise.all([sim?.close(), receiver?.close()]);
});

describe('scale-out: 2 API processes, 3 worker processes, one killed mid-run', () => {
  it('links 5,000 tenants with nothing lost and nothing recorded twice', async () => {
    const clients = apis.map((api) => testClient(api.url!));
    const endpoint = unwrap(await clients[1]!.api.POST('/v1/webhook-endpoints', { body: { url: receiver.url } }));
    receiver.setSecret(endpoint.secret);

    const tenants = tenantMix(TENANTS, 'scale');
    const submitted = await bulkLink(clients, tenants);
    expect(submitted.rejected).toBe(0);
    expect(submitted.requestIds.size).toBe(TENANTS);

    // Kill one worker once real work is under way but far from done.
    const doneAtKill = await waitFor(async () => {
      let done = 0;
      await waitForBatches(clients[0]!, submitted.batchIds, { confirmations: false, timeoutMs: 0, onProgress: (d) => (done = d) }).catch(() => {});
      return done >= TENANTS / 10 ? done : undefined;
    }, { timeoutMs: 60_000, intervalMs: 100, what: 'a tenth of the requests to finish' });
    workers[0]!.child.kill('SIGKILL');
    expect(await workers[0]!.exited).toBe('SIGKILL');
    expect(doneAtKill).toBeLessThan(TENANTS);

    const batches = await waitForBatches(clients[0]!, submitted.batchIds, { timeoutMs: 75_000 });

    // Final counts: exactly what the key mix dictates.
    const expected = expectedOutcomes(tenants);
    expect(batches.reduce((s, b) => s + b.total, 0)).toBe(TENANTS);
    expect(batches.reduce((s, b) => s + b.counts.linked, 0)).toBe(expected.linked);
    expect(batches.reduce((s, b) => s + b.confirmation.confirmed, 0)).toBe(TENANTS);
    for (const b of batches) expect(b.counts.queued + b.counts.validating + b.counts.retrying).toBe(0);

    const requests = (await Promise.all(submitted.batchIds.map((id) => listBatchRequests(clients[1]!, id)))).flat();
    expect(new Set(requests.map((r) => r.id)).size).toBe(TENANTS);
    const byTenant = new Map<string, ConnectRequest>(requests.map((r) => [r.tenantId, r]));
    const outcomes: Record<string, number> = {};
    let recalled = 0;
    for (const tenant of tenants) {
      const request = byTenant.get(tenant.tenantId)!;
      expect(request.id).toBe(submitted.requestIds.get(tenant.tenantId));
      const outcome = request.error ? `failed:${request.error.code}` : request.status;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      expect(request.status, tenant.tenantId).toBe(tenant.kind.status);
      expect(request.error?.code ?? null).toBe(tenant.kind.errorCode);
      expect(request.confirmation).toBe('confirmed');

      // Attempts are numbered 1..n without gaps or repeats: no run recorded twice.
      expect(request.attempts.map((a) => a.n)).toEqual(request.attempts.map((_, i) => i + 1));
      const final = request.attempts.filter((a) => a.outcome !== 'retryable');
      expect(final).toHaveLength(1);
      if (tenant.kind.status === 'linked') expect(final[0]!.outcome).toBe('success');

      // Every provider call is on record, except one cut by the kill: the worker that took the job
      // over called again. (A flaky key's cut call may have used up its 503, so count calls made,
      // not calls expected, against the record.)
      const calls = sim.keyStats(tenant.apiKey)?.requests ?? 0;
      const unrecorded = calls - request.attempts.length;
      expect([0, 1], `${tenant.tenantId}: ${calls} calls, ${request.attempts.length} attempts`).toContain(unrecorded);
      expect(calls).toBeLessThanOrEqual(tenant.kind.providerCalls + 1);
      recalled += unrecorded;
    }
    expect(outcomes).toEqual(expected);
    // Only the killed worker's in-flight validations can have been cut.
    expect(recalled).toBeLessThanOrEqual(CONCURRENCY);

    // One account per linked tenant.
    const accounts: Account[] = [];
    for await (const account of clients[0]!.paginate('/v1/accounts', { status: 'active' })) accounts.push(account);
    expect(accounts).toHaveLength(expected.linked!);
    expect(new Set(accounts.map((a) => a.tenantId)).size).toBe(expected.linked);

    // Exactly one verified result webhook per request (a redelivery keeps its webhook-id).
    const received = [...receiver.events.values()];
    expect(receiver.rejected).toBe(0);
    const events = received.flatMap((e) => (e.type === 'account.linked' || e.type === 'account.link_failed' ? [e] : []));
    expect(events).toHaveLength(received.length);
    expect(events).toHaveLength(TENANTS);
    expect(new Set(events.map((e) => e.data.connectRequestId)).size).toBe(TENANTS);
    const byId = new Map(requests.map((r) => [r.id, r]));
    for (const event of events) {
      const request = byId.get(event.data.connectRequestId);
      expect(event.type).toBe(request?.status === 'linked' ? 'account.linked' : 'account.link_failed');
    }

    // The surviving processes are still serving.
    for (const p of [...apis, workers[1]!, workers[2]!]) expect(p.child.exitCode).toBeNull();
  }, 150_000);

  it('drains and exits 0 on SIGTERM', async () => {
    expect(await workers[1]!.stop()).toBe(0);
    expect(await apis[1]!.stop()).toBe(0);
  });
});
