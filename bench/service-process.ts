import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/free-port.js';

export interface BenchPlatform {
  id: string;
  token: string;
}

export const BENCH_PLATFORM: BenchPlatform = { id: 'bench', token: 'bench-token-0123456789abcdef' };
/** A second platform, for the scheduling figures (interactive links beside a bulk, fair share). */
export const OTHER_PLATFORM: BenchPlatform = { id: 'bench-other', token: 'bench-other-token-0123456789abcdef' };

export interface ServiceProcessOptions {
  redisUrl: string;
  /** LINKER_REDIS_PREFIX, unique per run. */
  prefix: string;
  simUrl: string;
  concurrency: number;
  /** Directory for a V8 CPU profile (`node --cpu-prof`); none when undefined. */
  cpuProfDir?: string;
  /** More environment variables for the service (e.g. LINKER_RETENTION). */
  env?: Record<string, string>;
}

export interface ServiceProcess {
  url: string;
  pid: number;
  /** Highest resident set size so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** SIGTERM, then SIGKILL if the graceful stop takes more than 30 s. */
  stop(): Promise<void>;
}

export const BIN = fileURLToPath(new URL('../bin/account-linker.js', import.meta.url));

/** Waits for `url`/healthz to answer 200; fails at once if the process exits first. */
export async function waitHealthy(url: string, child: ChildProcess, stderr: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode} before answering:\n${stderr()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the service did not answer ${url}/healthz within 30 s:\n${stderr()}`);
}

/** Starts `account-linker start` as its own process, so its memory and CPU are measured apart from the bench's. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'start'], {
    stdio: ['ignore', 'inherit', 'pipe'],
    env: {
      ...process.env,
      REDIS_URL: options.redisUrl,
      LINKER_HOST: '127.0.0.1',
      LINKER_PORT: String(port),
      LINKER_REDIS_PREFIX: options.prefix,
      LINKER_PLATFORMS: [BENCH_PLATFORM, OTHER_PLATFORM].map((p) => `${p.id}:${p.token}`).join(','),
      LINKER_ENCRYPTION_KEYS: `bench1:${randomBytes(32).toString('base64')}`,
      SMARTRECRUITERS_BASE_URL: options.simUrl,
      LINKER_WEBHOOK_ALLOWED_NETS: '127.0.0.0/8',
      LINKER_LOG_LEVEL: 'warn',
      LINKER_CONCURRENCY: String(options.concurrency),
      LINKER_RATE_LIMIT_PER_MINUTE: '1000000',
      ...options.env,
    },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
    process.stderr.write(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitHealthy(url, child, () => stderr);

  let peak = 0;
  const peakRssMb = () => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peak = Math.max(peak, Number(match[1]) / 1024);
    } catch {
      // the process is gone: keep the last reading
    }
    return Math.round(peak);
  };

  return {
    url,
    pid: child.pid!,
    peakRssMb,
    async stop() {
      peakRssMb();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
