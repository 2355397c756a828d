/**
 * Peak memory of `account-linker bulk` on 100,000 rows, and the API's memory as batches pile up.
 * Run by hand (it takes minutes): `node --import tsx bench/bulk-memory.ts [--rows 100000] [--wait]`;
 * Needs Redis at REDIS_URL (default 127.0.0.1:6379) and /usr/bin/time. Uses its own Redis prefix
 * and removes it at the end.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { simKey, startSimulator } from '../src/sim/index.js';
import { freePort } from '../test/helpers/free-port.js';
import { BENCH_PLATFORM, BIN, waitHealthy } from './service-process.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, wait: { type: 'boolean', default: false } } });
const rows = Number(values.rows);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-bulk-${randomBytes(3).toString('hex')}`;
const token = BENCH_PLATFORM.token;
const port = await freePort();

const dir = mkdtempSync(join(tmpdir(), 'bulk-bench-'));
const file = join(dir, 'tenants.csv');
const out = createWriteStream(file);
out.write('tenant_id,api_key,plan\n');
const kinds = ['valid', 'valid', 'valid', 'valid', 'valid', 'valid', 'invalid', 'forbidden', 'flaky1', 'valid'];
for (let i = 0; i < rows; i++) {
  if (!out.write(`tenant-${i},${simKey(kinds[i % kinds.length]!, `bench-${i}`)},gold\n`)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');

const sim = await startSimulator({});
const env = {
  PATH: process.env.PATH ?? '',
  REDIS_URL: redisUrl,
  LINKER_REDIS_PREFIX: prefix,
  LINKER_PORT: String(port),
  LINKER_PLATFORMS: `bench:${token}`,
  LINKER_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
  SMARTRECRUITERS_BASE_URL: sim.url,
  LINKER_RATE_LIMIT_PER_MINUTE: '100000',
  LINKER_BACKOFF_BASE: '50ms',
  LINKER_CONCURRENCY: '200',
  LINKER_LOG_LEVEL: 'warn',
};
const api = spawn(process.execPath, [BIN, 'api'], { env, stdio: 'inherit' });
const worker = values.wait ? spawn(process.execPath, [BIN, 'worker'], { env, stdio: 'inherit' }) : undefined;
await waitHealthy(`http://127.0.0.1:${port}`, api);

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const apiSamples: { batches: number; rssMb: number }[] = [];
const results = join(dir, 'results.csv');
const sampler = setInterval(() => {
  let batches = 0;
  try {
    batches = readFileSync(`${results}.state`, 'utf8').split('\n').filter(Boolean).length - 1;
  } catch {
    // not started yet
  }
  apiSamples.push({ batches, rssMb: Math.round(rssMb(api.pid!)) });
}, 1000);

const started = Date.now();
const timeReport = join(dir, 'time-v.txt');
const cli = spawn('/usr/bin/time', ['-v', '-o', timeReport, process.execPath, BIN, 'bulk', file, '--api', `http://127.0.0.1:${port}`, '--out', results, ...(values.wait ? ['--wait'] : [])], {
  env: { ...env, LINKER_TOKEN: token },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const [exitCode] = (await once(cli, 'close')) as [number];
clearInterval(sampler);
const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeReport, 'utf8'))?.[1]);

api.kill('SIGTERM');
worker?.kill('SIGTERM');
await sim.close();
const redis = new Redis(redisUrl);
for (const match of [`${prefix}:*`, `{${prefix}:q}*`]) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 10_000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}
redis.disconnect();

const byBatches = apiSamples.filter((s, i, all) => i === 0 || s.batches !== all[i - 1]!.batches || i === all.length - 1);
console.log(JSON.stringify({ rows, wait: values.wait, cliExitCode: exitCode, seconds: Math.round((Date.now() - started) / 1000), cliPeakRssMb: Math.round(peakKb / 1024), apiRssMbByBatches: byBatches.filter((_, i) => i % Math.ceil(byBatches.length / 12) === 0 || i === byBatches.length - 1) }));
