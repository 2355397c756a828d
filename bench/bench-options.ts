import { parseArgs } from 'node:util';
import { DEFAULT_REDIS_URL } from '../src/store/redis-client.js';

export interface BenchOptions {
  /** Tenants in the throughput runs (service and baseline). --n or BENCH_N; default 20 000. */
  n: number;
  /** LINKER_CONCURRENCY of the service and the baseline worker's concurrency. --concurrency or BENCH_CONCURRENCY; default 50 (the service default). */
  concurrency: number;
  /**
   * Service and baseline throughput runs, alternating; the summary takes the median of each, so a
   * noisy neighbour slowing one run does not decide the ratio. --rounds or BENCH_ROUNDS; default 3.
   */
  rounds: number;
  /** Offered load of the latency run, links/s. Default 200. */
  latencyRate: number;
  /** Measured links of the latency run. Default 15 s worth. */
  latencyCount: number;
  /**
   * Links sent first at the same rate and left out: each phase starts a fresh service, whose first
   * seconds (JIT, connection pools) are not the steady state the figure is about. Default 5 s worth.
   */
  latencyWarmup: number;
  /** The interactive run: single links at this rate while another platform's bulk of `interactiveBulkN` is queued. */
  interactiveRate: number;
  interactiveCount: number;
  interactiveBulkN: number;
  /** Tenants each of the two platforms of the fair-share run submits at once. */
  fairShareN: number;
  /** Simulator latency of the concurrency-bound run, ms. Default 200. */
  slowLatencyMs: number;
  /** Write a V8 CPU profile of each service run into bench/results/profiles. --cpu-prof or BENCH_CPU_PROF=1. */
  cpuProf: boolean;
  redisUrl: string;
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number above 0 (got "${value}")`);
  return n;
}

export function benchOptions(argv = process.argv.slice(2), env = process.env): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: { n: { type: 'string' }, concurrency: { type: 'string' }, rounds: { type: 'string' }, 'cpu-prof': { type: 'boolean' } },
  });
  const latencyRate = 200;
  return {
    n: positiveInt('--n / BENCH_N', values.n ?? env.BENCH_N, 20_000),
    concurrency: positiveInt('--concurrency / BENCH_CONCURRENCY', values.concurrency ?? env.BENCH_CONCURRENCY, 50),
    rounds: positiveInt('--rounds / BENCH_ROUNDS', values.rounds ?? env.BENCH_ROUNDS, 3),
    latencyRate,
    latencyCount: latencyRate * 15,
    latencyWarmup: latencyRate * 5,
    interactiveRate: 5,
    interactiveCount: 100,
    interactiveBulkN: 20_000,
    fairShareN: 10_000,
    slowLatencyMs: 200,
    cpuProf: values['cpu-prof'] === true || env.BENCH_CPU_PROF === '1',
    redisUrl: env.REDIS_URL ?? DEFAULT_REDIS_URL,
  };
}
