/**
 * Profiling aid, not the benchmark: one throughput run of the service with what it cost.
 *   node --import tsx bench/profile-throughput.ts [--n 3000] [--concurrency 50] [--cpu-prof]
 * Prints the service's CPU ms per link (from /proc, far steadier than wall time on a shared
 * machine), Redis CPU ms and commands per link. Point REDIS_URL at a private redis-server
 * (e.g. `redis-server --port 6390 --save ''`) for exact command counts: INFO counts every client.
 * --cpu-prof writes the service's V8 profile to bench/results/profiles.
 */
import { readFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../src/sim/index.js';
import { createRedis } from '../src/store/redis-client.js';
import { queuePrefix } from '../src/store/keys.js';
import { benchOptions } from './bench-options.js';
import { startReceiver } from './receiver.js';
import { startServiceProcess } from './service-process.js';
import { ServiceClient } from './service-client.js';
import { measureThroughput } from './measure-throughput.js';
import { deleteKeys } from './redis-cleanup.js';

const options = benchOptions();
const n = process.argv.includes('--n') ? options.n : 3000;

/** user + system CPU of a process in ms (clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const redis = createRedis(options.redisUrl);
async function redisCost(): Promise<{ cpuMs: number; commands: number }> {
  const info = await redis.info();
  const num = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)![1]);
  return { cpuMs: 1000 * (num('used_cpu_sys') + num('used_cpu_user')), commands: num('total_commands_processed') };
}

const profiles = fileURLToPath(new URL('./results/profiles', import.meta.url));
if (options.cpuProf) mkdirSync(profiles, { recursive: true });
const sim = await startSimulator({ rateLimit: false });
const receiver = await startReceiver();
const prefix = `prof-${Date.now().toString(36)}`;
const service = await startServiceProcess({
  redisUrl: options.redisUrl,
  prefix,
  simUrl: sim.url,
  concurrency: options.concurrency,
  cpuProfDir: options.cpuProf ? profiles : undefined,
});
const client = new ServiceClient(service.url);
try {
  await client.subscribe(receiver.url);
  const cpu0 = processCpuMs(service.pid);
  const redis0 = await redisCost();
  const result = await measureThroughput(client, redis, prefix, n, prefix);
  const cpu1 = processCpuMs(service.pid);
  const redis1 = await redisCost();
  console.log(
    JSON.stringify({
      n,
      links_per_s: Math.round(result.perS),
      service_cpu_ms_per_link: Number(((cpu1 - cpu0) / n).toFixed(3)),
      redis_cpu_ms_per_link: Number(((redis1.cpuMs - redis0.cpuMs) / n).toFixed(3)),
      redis_commands_per_link: Number(((redis1.commands - redis0.commands) / n).toFixed(1)),
      peak_rss_mb: service.peakRssMb(),
    }),
  );
} finally {
  await client.close();
  await service.stop();
  await deleteKeys(redis, `${prefix}:*`);
  await deleteKeys(redis, `${queuePrefix(prefix)}:*`);
  await receiver.close();
  await sim.close();
  await redis.quit();
}
