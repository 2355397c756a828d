import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { DEFAULT_REDIS_URL } from '../store/redis-client.js';

export interface LocalRedis {
  url: string;
  /** Set when this process started redis-server itself. */
  child?: ChildProcess;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * With REDIS_URL set, uses it. Without, uses 127.0.0.1:6379 if something answers there, else starts
 * redis-server from PATH with AOF under `<dataDir>/redis` so a restart loses nothing.
 */
export async function ensureRedis(configuredUrl: string | undefined, dataDir: string, logger: Logger, port = 6379): Promise<LocalRedis> {
  const url = configuredUrl ?? (port === 6379 ? DEFAULT_REDIS_URL : `redis://127.0.0.1:${port}`);
  if (configuredUrl || (await answers(url))) return { url, stop: async () => {} };

  const which = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (which.error) {
    throw new Error(
      `Nothing answers at 127.0.0.1:${port} and redis-server is not on PATH. Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.`,
    );
  }
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--save', ''],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50 && !(await answers(url)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await answers(url))) throw new Error(`started redis-server (data in ${dir}) but it does not answer at ${url}`);
  logger.info({ dir }, 'started a local redis-server with AOF persistence');
  return {
    url,
    child,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
