import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { createLinkerClient } from '../../src/client/index.js';
import { bulkLink, waitForBatches } from '../../src/cli/demo/bulk-link.js';
import { expectedOutcomes, tenantMix } from '../../src/cli/demo/tenant-mix.js';
import { PLATFORMS, testEnvVars } from '../helpers/test-env.js';
import { startService, type ServiceProcess } from '../helpers/service-process.js';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-servers.js';
import { commandsExecuted, shares } from '../helpers/command-shares.js';

/**
 * Scale-out for the main user: ONE platform with very many tenants on a 3-master Redis Cluster,
 * through 2 API and 3 worker processes. Its data shards and queue shards spread its work over every
 * master, so no master executes more than 45 % of the commands; every count stays exact.
 */
const TENANTS = 20_000;
let cluster: RedisCluster;
let sim: Simulator;
let processes: ServiceProcess[] = [];

beforeAll(async () => {
  [cluster, sim] = await Promise.all([startRedisCluster(3), startSimulator({ rateLimit: false })]);
  const env = testEnvVars('cluster-one', {
    REDIS_URL: cluster.url,
    SMARTRECRUITERS_BASE_URL: sim.url,
    LINKER_QUEUE_SHARDS: '6',
    LINKER_RATE_LIMIT_PER_MINUTE: '1000000',
  });
  const worker = () => startService('worker', env);
  processes = await Promise.all([startService('api', env), startService('api', env), worker(), worker(), worker()]);
}, 60_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await Promise.all([cluster?.stop(), sim?.close()]);
});

it(`links ${TENANTS} tenants of one platform with every master carrying at most 45 % of the commands`, async () => {
  // The package's client without the per-answer OpenAPI check: 20,000 listed requests would cost more than the links.
  const clients = processes.slice(0, 2).map((p) => createLinkerClient({ baseUrl: p.url!, token: PLATFORMS.acme }));
  const listAll = async <T>(pages: AsyncGenerator<T>) => {
    const out: T[] = [];
    for await (const item of pages) out.push(item);
    return out;
  };
  const plan = tenantMix(TENANTS, 'one-platform');
  const before = await Promise.all(cluster.ports.map(commandsExecuted));

  const submitted = await bulkLink(clients, plan, 1000);
  expect(submitted.rejected).toBe(0);
  expect(submitted.requestIds.size).toBe(TENANTS);
  // No webhook endpoint: confirmations settle as not_required, so a request is done once final.
  const batches = await waitForBatches(clients[0]!, submitted.batchIds, { timeoutMs: 600_000, intervalMs: 1000 });
  const after = await Promise.all(cluster.ports.map(commandsExecuted));

  const expected = expectedOutcomes(plan);
  const sum = (pick: (b: (typeof batches)[number]) => number) => batches.reduce((s, b) => s + pick(b), 0);
  expect(sum((b) => b.total)).toBe(TENANTS);
  expect(sum((b) => b.counts.linked)).toBe(expected.linked);
  expect(sum((b) => b.counts.failed)).toBe(TENANTS - expected.linked!);
  expect(sum((b) => b.counts.queued + b.counts.validating + b.counts.retrying)).toBe(0);
  expect(sum((b) => b.confirmation.not_required)).toBe(TENANTS);

  // The list merges every data shard: each request exactly once, newest first, outcomes as planned.
  const listed = await listAll(clients[1]!.paginate('/v1/connect-requests', { limit: 500 }));
  expect(listed.map((r) => r.id)).toEqual([...submitted.requestIds.values()].sort().reverse());
  const outcomes: Record<string, number> = {};
  for (const r of listed) {
    const k = r.error ? `failed:${r.error.code}` : r.status;
    outcomes[k] = (outcomes[k] ?? 0) + 1;
  }
  expect(outcomes).toEqual(expected);
  const accounts = await listAll(clients[0]!.paginate('/v1/accounts', { status: 'active', limit: 500 }));
  expect(accounts).toHaveLength(expected.linked!);

  const perMaster = shares(before, after);
  console.log(`[cluster] commands per master while linking ${TENANTS} tenants of one platform: ${perMaster.map((s, i) => `master ${i + 1} ${(s * 100).toFixed(1)} %`).join(', ')}`);
  for (const share of perMaster) expect(share).toBeLessThanOrEqual(0.45);
  for (const p of processes) expect(p.output.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
}, 900_000);
