import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createRedis } from '../../src/store/redis-client.js';
import { freePort } from './free-port.js';

export interface RedisCluster {
  ports: number[];
  /** `redis+cluster://127.0.0.1:p1,…`, the form REDIS_URL takes for a cluster. */
  url: string;
  stop(): Promise<void>;
}

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** A port whose cluster bus port (+10000) is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (!taken.has(port) && (await portFree(port)) && (await portFree(port + 10_000))) return port;
  }
  throw new Error('found no free loopback port pair for a Redis Cluster node');
}

function requireRedisTools(): void {
  for (const tool of ['redis-server', 'redis-cli']) {
    if (spawnSync(tool, ['--version']).error) {
      throw new Error(`${tool} is not on PATH; this test starts its own Redis with it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)`);
    }
  }
}

/** Starts redis-server processes on loopback, one per port, with data in `dir`; `stop` ends them (SIGTERM, so an AOF is flushed). */
function spawnRedisServers(ports: number[], dir: string, args: (port: number) => string[]) {
  const children: ChildProcess[] = ports.map((port) =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...args(port)], { stdio: 'ignore' }),
  );
  const stop = async () => {
    await Promise.all(
      children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        return exited;
      }),
    );
  };
  return { stop };
}

/** Spawns the servers in a new temp dir and waits for each to answer; on failure nothing is left behind. */
async function startServers(ports: number[], args: (port: number) => string[], dir = mkdtempSync(join(tmpdir(), 'al-redis-'))) {
  const servers = spawnRedisServers(ports, dir, args);
  const remove = async () => {
    await servers.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitForPing(port);
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, stop: servers.stop, remove };
}

/** A throw-away single Redis on loopback, started with extra `args` (e.g. a maxmemory-policy). */
export async function startRedisServer(args: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  requireRedisTools();
  const port = await freePort();
  const { remove } = await startServers([port], () => args);
  return { url: `redis://127.0.0.1:${port}`, stop: remove };
}

export interface RestartableRedis {
  url: string;
  /** SIGTERM (Redis flushes its AOF) and start again on the same port and data. */
  restart(downMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A private redis-server with AOF (fsync always) on a free port, so restarting it disturbs nobody. */
export async function startRestartableRedis(): Promise<RestartableRedis> {
  requireRedisTools();
  const port = await freePort();
  const args = () => ['--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction'];
  let running = await startServers([port], args);
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs = 1000) {
      await running.stop();
      await new Promise((r) => setTimeout(r, downMs));
      running = await startServers([port], args, running.dir);
    },
    close: () => running.remove(),
  };
}

/**
 * A throw-away Redis Cluster of `masters` nodes (1, or 3 and more) on loopback (no replicas),
 * started with `redis-server --cluster-enabled yes` in a temp dir and joined with `redis-cli --cluster create`.
 * Each node announces 127.0.0.1: a node learns its own address only from a peer's MEET, so a lone
 * master would list its slots under an empty host in CLUSTER SLOTS, which cluster clients skip,
 * leaving them reconnecting forever without an error. Resolves once a cluster client answers.
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  requireRedisTools();
  const ports: number[] = [];
  const taken = new Set<number>();
  for (let i = 0; i < masters; i++) {
    const port = await freeClusterPort(taken);
    taken.add(port);
    ports.push(port);
  }
  const url = `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`;
  const { remove } = await startServers(ports, (port) => [
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    `nodes-${port}.conf`,
    '--cluster-announce-ip',
    '127.0.0.1',
    '--maxmemory-policy',
    'noeviction',
  ]);
  try {
    // redis-cli --cluster create wants 3 masters at least; one master simply takes every slot.
    const create =
      masters === 1
        ? spawnSync('redis-cli', ['-p', String(ports[0]), 'cluster', 'addslotsrange', '0', '16383'], { encoding: 'utf8', timeout: 30_000 })
        : spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8', timeout: 30_000 });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${create.stdout}\n${create.stderr}`);
    for (const port of ports) await waitForClusterOk(port);
    await waitForClusterClient(url);
  } catch (error) {
    await remove();
    throw error;
  }
  return { ports, url, stop: remove };
}

/** A cluster client (the service's own) gets a PING through: the slot map names reachable nodes. */
async function waitForClusterClient(url: string): Promise<void> {
  const client = createRedis(url, { maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no cluster client got through to ${url} within 10 s: does CLUSTER SLOTS name each master's address?`)), 10_000);
  });
  try {
    await Promise.race([client.ping(), timeout]);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

async function poll(port: number, what: string, check: (redis: Redis) => Promise<boolean>): Promise<void> {
  const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    for (let i = 0; i < 100; i++) {
      try {
        if (redis.status !== 'ready') await redis.connect();
        if (await check(redis)) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`Redis Cluster node 127.0.0.1:${port}: ${what} did not happen within 10 s`);
  } finally {
    redis.disconnect();
  }
}

const waitForPing = (port: number) => poll(port, 'PING', async (r) => (await r.ping()) === 'PONG');
const waitForClusterOk = (port: number) => poll(port, 'cluster_state:ok', async (r) => String(await r.cluster('INFO')).includes('cluster_state:ok'));
