import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/main.js';
import { envSchema } from '../../src/config/env.js';

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  container_name?: string;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  restart?: string;
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> };
const { redis, api, worker } = compose.services;
const program = buildProgram();
const commands = program.commands.map((c) => c.name());

/** `account-linker <cmd>` (by entry point or by `node bin/account-linker.js`) must name a real command. */
function cliCommandOf(args: string[]): string | undefined {
  const at = args.indexOf('bin/account-linker.js');
  return at === -1 ? undefined : args[at + 1];
}

describe('docker-compose.yml', () => {
  it('has the redis, api and worker services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'redis', 'worker']);
  });

  it('runs real commands of the account-linker CLI, with options they have', () => {
    expect(api!.command![0]).toBe('api');
    expect(worker!.command![0]).toBe('worker');
    for (const service of [api!, worker!]) {
      const [name, ...args] = service.command!;
      const command = program.commands.find((c) => c.name() === name);
      expect(command, name).toBeDefined();
      const flags = command!.options.map((o) => o.long);
      for (const arg of args.filter((a) => a.startsWith('--'))) expect(flags, `${name} ${arg}`).toContain(arg);
    }
    const workerCheck = cliCommandOf(worker!.healthcheck!.test);
    expect(workerCheck).toBeDefined();
    expect(commands).toContain(workerCheck);
  });

  it('sets only environment variables the service reads, and the one it cannot start without', () => {
    const known = Object.keys(envSchema.shape);
    for (const service of [api!, worker!]) {
      for (const name of Object.keys(service.environment!)) expect(known, name).toContain(name);
      expect(service.environment!.REDIS_URL).toBe('redis://redis:6379');
      expect(service.environment!.LINKER_ENCRYPTION_KEYS).toMatch(/\$\{LINKER_ENCRYPTION_KEYS:\?/);
    }
    // The API must listen beyond the container's loopback.
    expect(api!.environment!.LINKER_HOST).toBe('0.0.0.0');
  });

  it('passes through what a deployment sets, and its header comment sets everything a first API call needs', () => {
    for (const service of [api!, worker!]) {
      for (const name of ['LINKER_PLATFORMS', 'LINKER_ADMIN_TOKEN', 'LINKER_PUBLIC_URL', 'LINKER_WEBHOOK_ALLOWED_NETS']) {
        expect(service.environment![name], name).toMatch(new RegExp(`^\\$\\{${name}:[-?]`));
      }
    }
    const header = read('docker-compose.yml').split('\n').filter((line) => line.startsWith('#')).join('\n');
    expect(header).toMatch(/export LINKER_ENCRYPTION_KEYS=.+ LINKER_PLATFORMS=acme:/);
    expect(header).toContain('docker compose up');
    expect(header).toMatch(/curl -H "Authorization: Bearer \$\{LINKER_PLATFORMS#acme:\}"/);
  });

  it('restarts every service unless it was stopped', () => {
    for (const [name, service] of Object.entries(compose.services)) expect(service.restart, name).toBe('unless-stopped');
  });

  it('runs Redis with AOF and noeviction', () => {
    const args = redis!.command!.join(' ');
    expect(args).toMatch(/--appendonly yes/);
    expect(args).toMatch(/--maxmemory-policy noeviction/);
  });

  it('checks the health of every service and starts api and worker only once Redis is healthy', () => {
    for (const service of [redis!, api!, worker!]) expect(service.healthcheck?.test.length).toBeGreaterThan(1);
    expect(api!.healthcheck!.test.join(' ')).toContain('/readyz');
    for (const service of [api!, worker!]) expect(service.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
  });

  it('lets workers scale (--scale worker=N) and drain before being killed', () => {
    expect(worker!.ports).toBeUndefined();
    expect(worker!.container_name).toBeUndefined();
    const drain = Number(/(\d+)s/.exec(api!.environment!.LINKER_SHUTDOWN_TIMEOUT!)![1]);
    for (const service of [api!, worker!]) expect(Number(/(\d+)s/.exec(service.stop_grace_period!)![1])).toBeGreaterThan(drain);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('copies what exists and starts a real command', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
    expect(copied.length).toBeGreaterThan(3);
    for (const path of copied) expect(existsSync(new URL(path, root)), path).toBe(true);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "bin\/account-linker.js"\]/);
    const cmd = JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1]!) as string[];
    expect(commands).toContain(cmd[0]);
  });

  it('installs production dependencies only and runs unprivileged', () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['node_modules', '.data', '.git']));
  });
});

describe('docker-compose.cluster.yml', () => {
  const cluster = parse(read('docker-compose.cluster.yml'), { merge: true }) as { services: Record<string, Service> };
  const { api: clusterApi, worker: clusterWorker, 'redis-cluster-init': init, ...nodes } = cluster.services;
  const masters = Object.keys(nodes).sort();

  it('runs three cluster-enabled masters with AOF and noeviction, each with its own data', () => {
    expect(masters).toEqual(['redis-1', 'redis-2', 'redis-3']);
    for (const name of masters) {
      const args = nodes[name]!.command!.join(' ');
      expect(args).toMatch(/--cluster-enabled yes/);
      expect(args).toMatch(/--appendonly yes/);
      expect(args).toMatch(/--maxmemory-policy noeviction/);
      expect(nodes[name]!.healthcheck?.test.length).toBeGreaterThan(1);
    }
    const volumes = masters.map((name) => (nodes[name] as { volumes: string[] }).volumes[0]!.split(':')[0]);
    expect(new Set(volumes).size).toBe(3);
  });

  it('forms the cluster from exactly those masters once they are healthy', () => {
    const script = init!.command!.join(' ');
    expect(script).toMatch(/redis-cli --cluster create/);
    for (const name of masters) expect(script).toContain(`getent hosts ${name} `);
    expect(script).toMatch(/--cluster-replicas 0 --cluster-yes/);
    expect(init!.depends_on).toEqual(Object.fromEntries(masters.map((name) => [name, { condition: 'service_healthy' }])));
  });

  it('points api and worker at the cluster with queue shards, like the single-Redis file otherwise', () => {
    for (const [service, single] of [[clusterApi!, api!], [clusterWorker!, worker!]] as const) {
      expect(service.command).toEqual(single.command);
      expect(service.depends_on).toEqual({ 'redis-cluster-init': { condition: 'service_completed_successfully' } });
      const env = { ...service.environment! };
      expect(env.REDIS_URL).toBe(`redis+cluster://${masters.map((m) => `${m}:6379`).join(',')}`);
      // Every variable is one the service reads, with a value its schema accepts.
      expect(Object.keys(envSchema.shape)).toEqual(expect.arrayContaining(Object.keys(env)));
      expect(envSchema.shape.LINKER_QUEUE_SHARDS.parse(env.LINKER_QUEUE_SHARDS)).toBeGreaterThan(1);
      const { REDIS_URL: _url, LINKER_QUEUE_SHARDS: _shards, ...rest } = env;
      const { REDIS_URL: _singleUrl, ...singleRest } = single.environment!;
      expect(rest).toEqual(singleRest);
      expect(service.restart).toBe(single.restart);
    }
  });
});
