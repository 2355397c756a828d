import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Harness } from '../helpers/harness.js';
import { PLATFORMS } from '../helpers/test-env.js';

const BIN = fileURLToPath(new URL('../../bin/account-linker.js', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `account-linker bulk …` as a real child process (stdio piped, so not a TTY). */
export function startBulkCli(args: string[], env: Record<string, string> = {}): CliRun {
  const child = spawn(process.execPath, [BIN, 'bulk', ...args], {
    env: { PATH: process.env.PATH ?? '', LINKER_TOKEN: PLATFORMS.acme, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

export const runBulkCli = (args: string[], env?: Record<string, string>) => startBulkCli(args, env).done;

/** Connect requests stored for a platform under the harness prefix, counted in Redis itself. */
export async function storedRequests(h: Harness, platform = 'acme'): Promise<{ id: string; tenantId: string }[]> {
  const out: { id: string; tenantId: string }[] = [];
  let cursor = '0';
  do {
    // Requests live in the platform's data shards: `<prefix>:{<shard tag>}:<platform>:cr:<id>`.
    const [next, found] = await h.rt.redis.scan(cursor, 'MATCH', `${h.rt.env.LINKER_REDIS_PREFIX}:{*}:${platform}:cr:cr_*`, 'COUNT', 10_000);
    cursor = next;
    const keys = found.filter((k) => /:cr:cr_[0-9a-z]+$/.test(k));
    const pipeline = h.rt.redis.pipeline();
    for (const k of keys) pipeline.hget(k, 'tenantId');
    const tenants = (await pipeline.exec()) ?? [];
    keys.forEach((k, i) => out.push({ id: k.slice(k.lastIndexOf(':') + 1), tenantId: tenants[i]![1] as string }));
  } while (cursor !== '0');
  return out;
}

/** Parses the results CSV the CLI writes (no field in these tests holds a quote or a comma). */
export function parseResults(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

/**
 * BullMQ workers in their own process (`account-linker worker`), so the validation of thousands of
 * requests runs beside the in-process API and simulator instead of sharing their event loop.
 */
export async function startWorkerProcess(env: Record<string, string>): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'worker'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (stderr.trim()) console.warn(`worker process stderr:\n${stderr.slice(-2000)}`);
    },
  };
}
