import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/cli/demo/webhook-receiver.js';
import { testClient } from '../helpers/linker-client.js';
import { unwrap } from '../../src/client/index.js';
import { bulkLink, listBatchRequests, waitForBatches } from '../../src/cli/demo/bulk-link.js';
import { expectedOutcomes, tenantMix } from '../../src/cli/demo/tenant-mix.js';
import { PLATFORMS, testEnvVars } from '../helpers/test-env.js';
import { startService, type ServiceProcess } from '../helpers/service-process.js';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-servers.js';
import { delta, scrape, type Samples } from '../helpers/prometheus.js';

/**
 * The link flow on a 3-master Redis Cluster: one API and two worker processes, two platforms. Every
 * Lua script and BullMQ command must stay within one slot, or Redis answers CROSSSLOT.
 */
let cluster: RedisCluster;
let sim: Simulator;
let receiver: WebhookReceiver;
let processes: ServiceProcess[] = [];

beforeAll(async () => {
  [cluster, sim, receiver] = await Promise.all([startRedisCluster(3), startSimulator({}), startWebhookReceiver()]);
  // Nothing is killed here, so the default lock: a 2 s lock expired under heavy load (BullMQ lock errors).
  const env = testEnvVars('cluster', { REDIS_URL: cluster.url, SMARTRECRUITERS_BASE_URL: sim.url });
  const worker = () => startService('worker', env, { args: ['--metrics-port', '0'] });
  processes = await Promise.all([startService('api', env), worker(), worker()]);
}, 60_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await Promise.all([cluster?.stop(), sim?.close(), receiver?.close()]);
});

describe('Redis Cluster', () => {
  it('links the tenants of two platforms across the cluster with two workers', async () => {
    const url = processes[0]!.url!;
    const acme = testClient(url, PLATFORMS.acme);
    const globex = testClient(url, PLATFORMS.globex);
    // acme confirms through a webhook; globex has no endpoint, so its confirmations are not_required.
    receiver.setSecret(unwrap(await acme.api.POST('/v1/webhook-endpoints', { body: { url: receiver.url } })).secret);

    const scrapeAll = () => Promise.all(processes.map((p) => scrape(p.url!)));
    const before = await scrapeAll();
    const plans = { acme: tenantMix(200, 'cluster-acme'), globex: tenantMix(150, 'cluster-globex') };
    const [a, g] = await Promise.all([bulkLink([acme], plans.acme, 100), bulkLink([globex], plans.globex, 100)]);
    expect(a.rejected + g.rejected).toBe(0);

    for (const [client, submitted, plan, confirmation] of [
      [acme, a, plans.acme, 'confirmed'],
      [globex, g, plans.globex, 'not_required'],
    ] as const) {
      const batches = await waitForBatches(client, submitted.batchIds, { timeoutMs: 45_000 });
      expect(batches.reduce((s, b) => s + b.confirmation[confirmation], 0)).toBe(plan.length);
      const requests = (await Promise.all(submitted.batchIds.map((id) => listBatchRequests(client, id)))).flat();
      const outcomes: Record<string, number> = {};
      for (const r of requests) {
        const key = r.error ? `failed:${r.error.code}` : r.status;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
      expect(outcomes).toEqual(expectedOutcomes(plan));
    }

    expect(receiver.events.size).toBe(plans.acme.length);

    // The API and both workers' /metrics, summed as Prometheus would, show exactly this run.
    const after = await scrapeAll();
    const sum = (name: string, labels: Record<string, string> = {}) =>
      after.reduce((s, samples: Samples, i) => s + delta(before[i]!, samples, name, labels), 0);
    const expected = expectedOutcomes([...plans.acme, ...plans.globex]);
    expect(sum('linker_connect_requests_accepted_total')).toBe(350);
    expect(sum('linker_connect_requests_finished_total', { status: 'linked' })).toBe(expected.linked);
    expect(sum('linker_connect_requests_finished_total', { error_code: 'insufficient_permissions' })).toBe(expected['failed:insufficient_permissions']);
    expect(sum('linker_provider_call_duration_seconds_count', { outcome: 'retryable' })).toBe(35);
    expect(sum('linker_webhook_attempts_total', { outcome: 'delivered' })).toBe(plans.acme.length);
    expect(receiver.rejected).toBe(0);
    // Platforms stay apart on the cluster too.
    const someAcmeId = a.requestIds.values().next().value!;
    await expect(globex.getConnectRequest(someAcmeId)).rejects.toThrow(/404/);

    // The data really is spread over more than one node.
    const nodesWithKeys = await Promise.all(
      cluster.ports.map(async (port) => {
        const node = new Redis(port, '127.0.0.1');
        const size = await node.dbsize();
        node.disconnect();
        return size;
      }),
    );
    expect(nodesWithKeys.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    // No CROSSSLOT or other error was logged by any process.
    for (const p of processes) expect(p.output.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  }, 80_000);

  it('answers /readyz on the cluster', async () => {
    const res = await fetch(`${processes[0]!.url}/readyz`);
    expect(res.status).toBe(200);
  });
});
