import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from './harness.js';

const BIN = resolve(import.meta.dirname, '../../bin/account-linker.js');

/** A free loopback port (the tiny race before it is used again is acceptable in tests). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

export interface ServiceProcess {
  kind: 'api' | 'worker';
  child: ChildProcess;
  /** Every line it wrote to stdout and stderr, for secret scans. */
  output: string[];
  /** For `api`: its base URL. */
  url?: string;
  /** SIGKILL: no graceful shutdown, locks are left to expire. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** Runs `account-linker api|worker` as a child process and waits until it is up. */
export async function spawnService(kind: 'api' | 'worker', env: Record<string, string>, output: string[] = []): Promise<ServiceProcess> {
  const port = kind === 'api' ? await freePort() : 0;
  const child = spawn(process.execPath, [BIN, kind], {
    env: { PATH: process.env.PATH ?? '', ...env, LINKER_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const collect = (chunk: Buffer) => output.push(...String(chunk).split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const ready = kind === 'api' ? /API listening/ : /workers started/;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`${kind} exited with ${child.exitCode}:\n${output.join('\n')}`);
    return output.some((line) => ready.test(line));
  }, { timeoutMs: 30_000, what: `${kind} to start` });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { kind, child, output, url: kind === 'api' ? `http://127.0.0.1:${port}` : undefined, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}

export interface RedisServer {
  url: string;
  /** SIGTERM (Redis flushes its AOF) and start again on the same port and data. */
  restart(downMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A private redis-server with AOF in a temp dir on a free port, so restarting it disturbs nobody. */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'linker-redis-'));
  const port = await freePort();
  let child: ChildProcess;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    await waitFor(async () => {
      const probe = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      probe.stdout!.on('data', (c: Buffer) => (out += String(c)));
      await new Promise((r) => probe.once('exit', r));
      return out.includes('PONG');
    }, { timeoutMs: 10_000, what: 'redis-server to answer' });
  };
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs = 1000) {
      await stop();
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
