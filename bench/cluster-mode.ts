import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { startSimulator } from '../src/sim/index.js';
import { createRedis } from '../src/store/redis-client.js';
import { startRedisCluster } from '../test/helpers/redis-servers.js';
import { startReceiver } from './receiver.js';
import { startServiceProcess } from './service-process.js';
import { ServiceClient } from './service-client.js';
import { measureThroughput } from './measure-throughput.js';

/** Redis CPU seconds (used_cpu_sys + used_cpu_user) a node has spent so far. */
async function cpuSeconds(port: number): Promise<number> {
  const node = new Redis(port, '127.0.0.1');
  try {
    const info = await node.info('cpu');
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    return field('used_cpu_sys') + field('used_cpu_user');
  } finally {
    node.disconnect();
  }
}

export interface ClusterRun {
  masters: number;
  linksPerS: number;
  /** Each master's share of the Redis CPU the run cost, in the cluster's slot order. */
  cpuShares: number[];
  /** The host's 1-minute load average when the run ended: on a shared machine it explains links/s. */
  loadAverage: number;
}

/**
 * `npm run bench -- --cluster [--n 20000] [--queue-shards 6]`: one platform's `n` links through one
 * service process on a fresh Redis Cluster of 1 and then 3 masters (no replicas, loopback), with its
 * webhook deliveries. Reports links/s on each and every master's share of the Redis CPU the run
 * cost. Returns false without --cluster (the regular bench runs). The last line printed is JSON.
 */
export async function runClusterMode(argv: string[]): Promise<boolean> {
  if (!argv.includes('--cluster')) return false;
  const { values } = parseArgs({ args: argv, options: { cluster: { type: 'boolean' }, n: { type: 'string' }, 'queue-shards': { type: 'string' }, concurrency: { type: 'string' } } });
  const n = Number(values.n ?? 20_000);
  const queueShards = values['queue-shards'] ?? '6';
  const concurrency = Number(values.concurrency ?? 50);
  const log = (message: string) => console.log(`[bench cluster] ${message}`);
  const sim = await startSimulator({ rateLimit: false });
  const receiver = await startReceiver();
  const runs: ClusterRun[] = [];
  try {
    for (const masters of [1, 3]) {
      const cluster = await startRedisCluster(masters);
      const redis = createRedis(cluster.url);
      const prefix = `bench-cluster${masters}`;
      const service = await startServiceProcess({ redisUrl: cluster.url, prefix, simUrl: sim.url, concurrency, env: { LINKER_QUEUE_SHARDS: queueShards } });
      const client = new ServiceClient(service.url);
      try {
        await client.subscribe(receiver.url);
        const before = await Promise.all(cluster.ports.map(cpuSeconds));
        const result = await measureThroughput(client, redis, prefix, n, `cluster${masters}`);
        const spent = (await Promise.all(cluster.ports.map(cpuSeconds))).map((s, i) => s - before[i]!);
        const total = spent.reduce((a, b) => a + b, 0);
        const run = { masters, linksPerS: Math.round(result.perS), cpuShares: spent.map((s) => Number((s / total).toFixed(3))), loadAverage: Number(loadavg()[0]!.toFixed(2)) };
        log(`${masters} master(s): ${n} links in ${result.elapsedMs} ms = ${run.linksPerS}/s; Redis CPU ${total.toFixed(1)} s, per master ${run.cpuShares.join(' / ')}; load average ${run.loadAverage}`);
        runs.push(run);
      } finally {
        await client.close();
        await service.stop();
        await redis.quit();
        await cluster.stop();
      }
    }
  } finally {
    await receiver.close();
    await sim.close();
  }
  const [one, three] = runs as [ClusterRun, ClusterRun];
  const summary = {
    mode: 'cluster',
    n,
    queue_shards: Number(queueShards),
    links_per_s_1_master: one.linksPerS,
    links_per_s_3_masters: three.linksPerS,
    cpu_shares_3_masters: three.cpuShares,
    largest_cpu_share_3_masters: Math.max(...three.cpuShares),
  };
  const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(`${resultsDir}cluster-${Date.now().toString(36)}.json`, `${JSON.stringify({ at: new Date().toISOString(), runs, summary }, null, 2)}\n`);
  console.log(JSON.stringify(summary));
  return true;
}
