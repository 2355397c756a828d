import { afterAll, beforeAll } from 'vitest';
import { Writable } from 'node:stream';
import { request } from 'undici';
import type { FastifyInstance } from 'fastify';
import { deleteByPrefix } from '../../src/store/delete-prefix.js';
import { prefixKeyPages } from '../../src/store/prefix-keys.js';
import { createLogger } from '../../src/observability/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { buildApp } from '../../src/api/app.js';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers.js';
import type { QueueName } from '../../src/queues/queue-names.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { loadEnv } from '../../src/config/env.js';
import { PLATFORMS, testEnvVars } from './test-env.js';
import { assertDocumented } from './openapi-validator.js';

export interface HarnessOptions {
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Start the BullMQ workers in this process. Default true. */
  workers?: boolean;
  /** Which queues those workers serve. Default: all. */
  queues?: QueueName[];
}

export interface ApiCall {
  token?: string | null;
  body?: unknown;
  /** Raw body, sent as is (for malformed JSON and size tests). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /**
   * Skip the check against /openapi.json, for a call that is itself about undocumented ground
   * (e.g. a fuzzer's raw request). Default false: every answer must match the document.
   */
  unchecked?: boolean;
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

/**
 * One service under test: real Redis (own prefix), the real API on a loopback port, real workers
 * and the SmartRecruiters simulator. Log lines are captured for secret scans.
 */
export interface Harness {
  rt: Runtime;
  /** The environment this harness runs with, for child processes that must share its Redis prefix and keys. */
  envVars: Record<string, string>;
  app: FastifyInstance;
  url: string;
  sim: Simulator;
  workers?: RunningWorkers;
  logs: string[];
  api<T = any>(method: string, path: string, call?: ApiCall): Promise<ApiResponse<T>>;
  /** Every key and value under this harness' prefix, as text. */
  dumpRedis(): Promise<string>;
  close(): Promise<void>;
}

/**
 * One HTTP call to an account-linker API at `baseUrl`, as platform acme unless `call.token` says
 * otherwise. The answer (status, headers, body) is checked against the /openapi.json that API
 * serves: an undeclared status or field fails the calling test.
 */
export async function callApi<T = any>(baseUrl: string, method: string, path: string, call: ApiCall = {}): Promise<ApiResponse<T>> {
  const token = call.token === undefined ? PLATFORMS.acme : call.token;
  const headers: Record<string, string> = { ...(call.headers ?? {}) };
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | Buffer | undefined = call.raw;
  if (call.body !== undefined) {
    body = JSON.stringify(call.body);
    headers['content-type'] ??= 'application/json';
  } else if (call.raw !== undefined) headers['content-type'] ??= 'application/json';
  const res = await request(`${baseUrl}${path}`, { method: method as 'GET', headers, body });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (metrics, html)
  }
  const response = { status: res.statusCode, headers: res.headers, body: parsed as never, text };
  if (!call.unchecked) await assertDocumented(baseUrl, method, path, response);
  return response;
}

export async function startHarness(name: string, options: HarnessOptions = {}): Promise<Harness> {
  const sim = await startSimulator({});
  const envVars = testEnvVars(name, { SMARTRECRUITERS_BASE_URL: sim.url, ...options.env });
  const env = loadEnv(envVars);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const rt = createRuntime(env, createLogger(env.LINKER_LOG_LEVEL, sink));
  const app = await buildApp(rt);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const workers = options.workers === false ? undefined : startWorkers(rt, { queues: options.queues });

  const api: Harness['api'] = (method, path, call) => callApi(url, method, path, call);

  const dumpRedis = async () => {
    const redis = rt.redis;
    const out: string[] = [];
    for await (const { keys } of prefixKeyPages(redis, env.LINKER_REDIS_PREFIX!)) {
      for (const k of keys) {
        const type = await redis.type(k);
        const value =
          type === 'string' ? await redis.get(k)
          : type === 'hash' ? JSON.stringify(await redis.hgetall(k))
          : type === 'list' ? JSON.stringify(await redis.lrange(k, 0, -1))
          : type === 'set' ? JSON.stringify(await redis.smembers(k))
          : type === 'zset' ? JSON.stringify(await redis.zrange(k, 0, -1))
          : type === 'stream' ? JSON.stringify(await redis.xrange(k, '-', '+'))
          : '';
        out.push(`${k} ${value}`);
      }
    }
    // SCAN's order changes as keys come and go: sorted, two dumps of the same data are equal.
    return out.sort().join('\n');
  };

  return {
    rt,
    envVars,
    app,
    url,
    sim,
    workers,
    logs,
    api,
    dumpRedis,
    async close() {
      await app.close();
      await workers?.close();
      await deleteByPrefix(rt.redis, env.LINKER_REDIS_PREFIX);
      await rt.close();
      await sim.close();
    },
  };
}

/** Polls `check` until it returns a truthy value or the time runs out. */
/**
 * A harness for the enclosing describe block: started before its tests, closed after them. Read it
 * through the returned function inside tests and hooks.
 */
export function useHarness(name: string, options: HarnessOptions = {}): () => Harness {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness(name, options);
  });
  afterAll(async () => h?.close());
  return () => {
    if (!h) throw new Error(`harness ${name} is not running`);
    return h;
  };
}

export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, { timeoutMs = 20_000, intervalMs = 50, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
