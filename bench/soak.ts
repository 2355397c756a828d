import { parseDuration } from '../src/config/duration.js';
import type { Account } from '../src/domain/schemas/account.js';
import { redisFootprint } from './redis-footprint.js';
import { submitTenants, type BenchTenant } from './bulk-links.js';
import { startBenchService } from './bench-service.js';

export interface SoakOptions {
  redisUrl: string;
  /** How long links keep coming (`--soak 10m`). */
  durationMs: number;
  /** LINKER_RETENTION of the service. Default a fifth of the soak, at least 10 s. */
  retentionMs?: number;
  /** New tenants linked per second. Default 20. */
  ratePerS?: number;
  /** Bytes sampled this often. Default 10 s. */
  sampleEveryMs?: number;
}

export interface SoakSample {
  atS: number;
  keys: number;
  /** The service's records: everything but BullMQ's bookkeeping, whose completed jobs are kept by count and age (an hour). */
  bytes: number;
  queueBytes: number;
  /** INFO used_memory of the whole Redis: other users of it show here too. */
  usedMemory: number;
}

export interface SoakResult {
  soak_s: number;
  retention_s: number;
  rate_per_s: number;
  links: number;
  relinks: number;
  unlinks: number;
  /** From here on every kind of record has come and gone at least once. */
  steady_from_s: number;
  steady_first_bytes: number;
  steady_last_bytes: number;
  steady_max_bytes: number;
  /** Mean of the last quarter of the steady samples over the mean of the first quarter, minus one. */
  growth: number;
  flat: boolean;
  samples: SoakSample[];
}

/** Growth above this over the steady window counts as not flat (sampling noise stays well below). */
const FLAT_TOLERANCE = 0.1;

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/**
 * Links keep coming at a steady rate: every second `rate` new tenants (one in ten with a key the
 * provider refuses), a tenth of that re-links of tenants still active (operation "updated"), and
 * each account is unlinked once it is older than the retention period, so the live accounts stay
 * about rate × retention. After two retention periods (accounts unlinked, their revoked records
 * and every finished request, message and batch expired) Redis should hold a constant amount:
 * the bench samples the service's keys (`MEMORY USAGE`) and reports whether they stayed flat.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const retentionMs = options.retentionMs ?? Math.max(10_000, Math.round(options.durationMs / 5));
  const rate = options.ratePerS ?? 20;
  const sampleEveryMs = options.sampleEveryMs ?? 10_000;
  const bench = await startBenchService({ redisUrl: options.redisUrl, env: { LINKER_RETENTION: `${retentionMs}ms`, LINKER_LOG_LEVEL: 'error' } });
  const started = Date.now();
  const log = (message: string) => console.log(`[soak ${Math.round((Date.now() - started) / 1000)}s] ${message}`);
  const batches: { id: string; at: number; tenants: BenchTenant[] }[] = [];
  const samples: SoakSample[] = [];
  let links = 0;
  let relinks = 0;
  let unlinks = 0;
  let round = 0;

  const sample = async () => {
    const footprint = await redisFootprint(bench.redis, bench.prefix);
    const usedMemory = Number(/used_memory:(\d+)/.exec(await bench.redis.info('memory'))?.[1] ?? 0);
    const queueBytes = footprint.groups.queues.bytes;
    samples.push({ atS: Math.round((Date.now() - started) / 1000), keys: footprint.keys, bytes: footprint.bytes - queueBytes, queueBytes, usedMemory });
    log(`${footprint.keys} keys, ${(footprint.bytes / 1e6).toFixed(2)} MB (${Object.entries(footprint.groups).map(([g, v]) => `${g} ${(v.bytes / 1e6).toFixed(2)}`).join(', ')})`);
  };

  /** Unlinks the accounts of tenants linked longer ago than the retention period (found by tenant: their requests may be gone). */
  const unlinkOld = async () => {
    while (batches.length > 0 && batches[0]!.at < Date.now() - retentionMs) {
      const batch = batches.shift()!;
      const accounts = await Promise.all(
        batch.tenants.map(async ({ tenantId }) => (await bench.client.call<{ data: Account[] }>('GET', `/v1/accounts?tenantId=${tenantId}&status=active`)).body.data),
      );
      for (const account of accounts.flat()) {
        await bench.client.call('DELETE', `/v1/accounts/${account.id}`);
        unlinks++;
      }
    }
  };

  try {
    let nextSample = Date.now();
    while (Date.now() - started < options.durationMs) {
      const tickStarted = Date.now();
      const fresh: BenchTenant[] = Array.from({ length: rate }, (_, i) => ({ tenantId: `soak-${round}-${i}`, kind: i % 10 === 9 ? 'invalid' : 'valid' }));
      // Re-links of tenants linked a few seconds ago (their first request is final by then).
      const earlier = batches.at(-5)?.tenants.filter((t) => t.kind === 'valid').slice(0, Math.max(1, Math.round(rate / 10))) ?? [];
      const [batchId] = await submitTenants(bench.client, [...fresh, ...earlier], `soak-${round}`);
      batches.push({ id: batchId!, at: tickStarted, tenants: fresh });
      links += fresh.length;
      relinks += earlier.length;
      round++;
      await unlinkOld();
      if (Date.now() >= nextSample) {
        await sample();
        nextSample += sampleEveryMs;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tickStarted))));
    }
    await sample();
  } finally {
    await bench.close();
  }

  const steadyFromS = Math.round((2 * retentionMs + 2 * sampleEveryMs) / 1000);
  const steady = samples.filter((s) => s.atS >= steadyFromS).map((s) => s.bytes);
  const quarter = Math.max(1, Math.floor(steady.length / 4));
  const growth = steady.length >= 2 ? mean(steady.slice(-quarter)) / mean(steady.slice(0, quarter)) - 1 : Number.NaN;
  return {
    soak_s: Math.round(options.durationMs / 1000),
    retention_s: retentionMs / 1000,
    rate_per_s: rate,
    links,
    relinks,
    unlinks,
    steady_from_s: steadyFromS,
    steady_first_bytes: steady[0] ?? 0,
    steady_last_bytes: steady.at(-1) ?? 0,
    steady_max_bytes: Math.max(0, ...steady),
    growth: Number(growth.toFixed(3)),
    flat: Number.isFinite(growth) && growth <= FLAT_TOLERANCE,
    samples,
  };
}

/** `--soak 10m`: the duration, with the same units as the service's own durations. */
export function soakDuration(text: string): number {
  const ms = parseDuration(text);
  if (!ms || ms < 30_000) throw new Error(`--soak takes a duration of at least 30s, like 10m (got "${text}")`);
  return ms;
}
