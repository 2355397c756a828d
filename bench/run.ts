/**
 * `npm run bench`: the service, the simulator and a webhook receiver on loopback; throughput against
 * a minimal BullMQ baseline (alternating rounds, medians), scheduling in the same rounds (single
 * links beside another platform's queued bulk; two platforms' bulks at once), latency at a fixed
 * load, throughput when the provider is slow, and the service's peak memory. The last line printed is the JSON summary (also saved under bench/results/).
 * `--memory` and `--soak DURATION` measure Redis memory instead (bench/retention-modes.ts);
 * `--cluster` measures one platform on a 1- and a 3-master Redis Cluster (bench/cluster-mode.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { startSimulator } from '../src/sim/index.js';
import { createRedis } from '../src/store/redis-client.js';
import { queuePrefix } from '../src/store/keys.js';
import { benchOptions } from './bench-options.js';
import { startReceiver } from './receiver.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';
import { ServiceClient } from './service-client.js';
import { measureThroughput, type ThroughputResult } from './measure-throughput.js';
import { measureLatency } from './measure-latency.js';
import { runBaseline } from './run-baseline.js';
import { deleteKeys } from './redis-cleanup.js';
import { percentile } from './percentiles.js';
import { measureFairShare, measureInteractive, type FairShareResult, type InteractiveResult } from './measure-scheduling.js';
import { runRetentionMode } from './retention-modes.js';
import { runClusterMode } from './cluster-mode.js';

if ((await runRetentionMode(process.argv.slice(2))) || (await runClusterMode(process.argv.slice(2)))) process.exit();

const options = benchOptions();
const runId = `bench-${Date.now().toString(36)}`;
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
const log = (message: string) => console.log(`[bench] ${message}`);

const redis = createRedis(options.redisUrl);
const sim = await startSimulator({ rateLimit: false });
const receiver = await startReceiver();
let peakRssMb = 0;

/** One fresh service (own Redis prefix, subscribed to the receiver) per phase; its keys are removed afterwards. */
async function withService<T>(phase: string, work: (client: ServiceClient, prefix: string, url: string) => Promise<T>): Promise<T> {
  const prefix = `${runId}-${phase}`;
  const service: ServiceProcess = await startServiceProcess({
    redisUrl: options.redisUrl,
    prefix,
    simUrl: sim.url,
    concurrency: options.concurrency,
    cpuProfDir: options.cpuProf ? `${resultsDir}profiles` : undefined,
  });
  const client = new ServiceClient(service.url);
  try {
    await client.subscribe(receiver.url);
    return await work(client, prefix, service.url);
  } finally {
    peakRssMb = Math.max(peakRssMb, service.peakRssMb());
    await client.close();
    await service.stop();
    await deleteKeys(redis, `${prefix}:*`);
    await deleteKeys(redis, `${queuePrefix(prefix)}:*`);
  }
}

try {
  log(`${options.n} tenants, concurrency ${options.concurrency}, ${cpus().length} CPUs, node ${process.version}`);

  const rounds: { service: ThroughputResult; baseline: { elapsedMs: number; perS: number }; interactive: InteractiveResult; fair: FairShareResult }[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const service = await withService(`tp${round}`, (client, prefix) => measureThroughput(client, redis, prefix, options.n, `${runId}-tp${round}`));
    log(`round ${round} service: ${options.n} links in ${service.elapsedMs} ms = ${service.perS.toFixed(0)}/s`);
    const baseline = await runBaseline({
      redisUrl: options.redisUrl,
      prefix: `${runId}-base${round}`,
      simUrl: sim.url,
      receiverUrl: receiver.url,
      n: options.n,
      concurrency: options.concurrency,
      tag: `${runId}-base${round}`,
    });
    log(`round ${round} baseline: ${options.n} jobs in ${baseline.elapsedMs} ms = ${baseline.perS.toFixed(0)}/s`);
    const interactive = await withService(`int${round}`, (_client, prefix, url) =>
      measureInteractive(url, redis, prefix, { bulkN: options.interactiveBulkN, ratePerS: options.interactiveRate, count: options.interactiveCount }, `${runId}-int${round}`),
    );
    log(`round ${round} interactive: ${interactive.count} single links at ${options.interactiveRate}/s beside a ${interactive.bulkN} bulk (${interactive.bulkLeftAtEnd} of it still unfinished after the last single): p50 ${interactive.p50Ms} ms, p99 ${interactive.p99Ms} ms`);
    const fair = await withService(`fair${round}`, (_client, prefix, url) => measureFairShare(url, redis, prefix, { n: options.fairShareN, receiverUrl: receiver.url }, `${runId}-fair${round}`));
    log(`round ${round} fair share: ${fair.ratesPerS.map((r) => r.toFixed(0)).join(' and ')} links/s over ${fair.windowMs} ms both backlogged = ${fair.fairShare.toFixed(3)}`);
    rounds.push({ service, baseline, interactive, fair });
  }
  const range = (values: number[], digits = 0) => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
  const ratios = rounds.map((r) => r.service.perS / r.baseline.perS);
  const interactiveP99 = percentile(rounds.map((r) => r.interactive.p99Ms), 50);
  const fairShare = percentile(rounds.map((r) => r.fair.fairShare), 50);
  log(`scheduling medians of ${options.rounds} rounds: interactive p99 ${interactiveP99} ms (range ${range(rounds.map((r) => r.interactive.p99Ms))}), fair share ${fairShare.toFixed(3)} (range ${range(rounds.map((r) => r.fair.fairShare), 3)}); per-round ratio range ${range(ratios, 3)}`);
  const throughput = { perS: percentile(rounds.map((r) => r.service.perS), 50) };
  const baseline = { perS: percentile(rounds.map((r) => r.baseline.perS), 50) };
  log(`medians of ${options.rounds} rounds: service ${throughput.perS.toFixed(0)}/s, baseline ${baseline.perS.toFixed(0)}/s`);

  const latency = await withService('lat', (client, prefix) =>
    measureLatency(client, redis, prefix, { ratePerS: options.latencyRate, count: options.latencyCount, warmup: options.latencyWarmup }, `${runId}-lat`),
  );
  log(`latency at ${options.latencyRate}/s: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms (${latency.count} links; bench send lag ≤ ${latency.maxSendLagMs} ms)`);

  sim.setKnobs({ latencyMs: options.slowLatencyMs });
  const allowedPerS = options.concurrency / (options.slowLatencyMs / 1000);
  const slowN = Math.min(options.n, Math.round(allowedPerS * 15));
  const slow = await withService('slow', (client, prefix) => measureThroughput(client, redis, prefix, slowN, `${runId}-slow`));
  log(`provider at ${options.slowLatencyMs} ms: ${slowN} links at ${slow.perS.toFixed(0)}/s of ${allowedPerS}/s the concurrency allows (${((100 * slow.perS) / allowedPerS).toFixed(0)} %)`);
  log(`service peak RSS: ${peakRssMb} MB`);

  const summary = {
    n: options.n,
    links_per_s: Math.round(throughput.perS),
    baseline_per_s: Math.round(baseline.perS),
    ratio: Number((throughput.perS / baseline.perS).toFixed(3)),
    p50_ms: latency.p50Ms,
    p99_ms: latency.p99Ms,
    latency_bound_per_s: Math.round(slow.perS),
    peak_rss_mb: peakRssMb,
    interactive_p99_ms: interactiveP99,
    fair_share: Number(fairShare.toFixed(3)),
  };
  const details = { runId, at: new Date().toISOString(), options, cpus: cpus().length, node: process.version, rounds, latency, slow: { ...slow, allowedPerS }, summary };
  writeFileSync(`${resultsDir}${runId}.json`, `${JSON.stringify(details, null, 2)}\n`);
  log(`details saved to bench/results/${runId}.json`);
  console.log(JSON.stringify(summary));
} finally {
  await receiver.close();
  await sim.close();
  await redis.quit();
}
