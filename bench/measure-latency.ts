import { simKey } from '../src/sim/index.js';
import type { RedisClient } from '../src/store/redis-client.js';
import type { ServiceClient } from './service-client.js';
import { confirmationTimes } from './confirmation-times.js';
import { percentile } from './percentiles.js';

export interface LatencyOptions {
  /** Offered load, links per second (open loop: sends on schedule whatever the answers). */
  ratePerS: number;
  /** Measured links. */
  count: number;
  /** Links sent first at the same rate and left out of the figures (JIT, pools, connections). */
  warmup: number;
}

export interface LatencyResult {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  count: number;
  /** Largest lag of a send behind its schedule: if large, the bench (not the service) was late. */
  maxSendLagMs: number;
}

/** Single POST /v1/connect-requests at a fixed rate; latency is the service's accept → confirmed. */
export async function measureLatency(client: ServiceClient, redis: RedisClient, prefix: string, options: LatencyOptions, tag: string): Promise<LatencyResult> {
  const total = options.warmup + options.count;
  const intervalMs = 1000 / options.ratePerS;
  const sends: Promise<string>[] = [];
  const start = performance.now();
  let maxSendLagMs = 0;
  for (let i = 0; i < total; i++) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
    const body = { tenantId: `${tag}-${i}`, provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', `${tag}-${i}`) } };
    sends.push(client.call<{ id: string }>('POST', '/v1/connect-requests', body).then((res) => res.body.id));
  }
  const ids = (await Promise.all(sends)).slice(options.warmup);
  const latencies = (await confirmationTimes(redis, prefix, ids, 120_000)).map((t) => t.confirmedAt - t.acceptedAt);
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
    count: latencies.length,
    maxSendLagMs: Math.round(maxSendLagMs),
  };
}
