import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_PREFIX, handleAdminRequest, type SimulatorAdmin } from './admin-routes.js';
import { outcomeFor, type Outcome, type SimRoute } from './behavior-outcome.js';
import {
  METHOD_NOT_ALLOWED_BODY,
  NOT_FOUND_BODY,
  SERVICE_UNAVAILABLE_BODY,
  TOO_MANY_REQUESTS_BODY,
} from './error-bodies.js';
import type { KeyBehavior, ResolvedKeyBehavior } from './key-behaviors.js';
import { KeyRegistry, type KeySource } from './key-registry.js';
import { RateLimiter, rateLimitOptionsSchema, type RateLimitOptions } from './rate-limiter.js';
import { loadSeedFile } from './seed-file.js';
import { parseKnobs, type SimulatorKnobs } from './simulator-knobs.js';
import { TrafficStats, type KeyTrafficStats, type SimulatorStats } from './traffic-stats.js';

export interface SimulatorOptions {
  /** Interface to listen on. Default '127.0.0.1': the admin routes have no auth. */
  host?: string;
  /** Port; default 0 (an ephemeral port, read it back from `Simulator.port`). */
  port?: number;
  /** Latency added to every API response, in ms. Default 0 (or the seed file's). */
  latencyMs?: number;
  /** Probability (0–1) of a random 503 on an API request. Default 0 (or the seed file's). */
  errorRate?: number;
  /**
   * Per-credential limits. Default `{perSecond: 10, concurrent: 8}` like SmartRecruiters;
   * `false` turns limiting (and the X-RateLimit-* headers) off, e.g. for benchmarks.
   */
  rateLimit?: RateLimitOptions | false;
  /** Keys with explicit behaviours; they win over the naming convention (key-convention.ts). */
  keys?: Record<string, KeyBehavior>;
  /**
   * JSON file `{keys?, latencyMs?, errorRate?, rateLimit?}` loaded at start. Options given
   * here override it (keys are merged, these winning).
   */
  seedFile?: string;
}

export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:43123`: use it as SMARTRECRUITERS_BASE_URL. */
  readonly url: string;
  readonly port: number;
  /** Registers or replaces a key's behaviour (its counters restart); throws on an invalid one. */
  setKey(key: string, behavior: KeyBehavior): ResolvedKeyBehavior;
  /** Unregisters a key; it falls back to the naming convention. True if it was registered. */
  deleteKey(key: string): boolean;
  /** Where a key's behaviour comes from and what it is. */
  describeKey(key: string): { source: KeySource; behavior?: ResolvedKeyBehavior };
  /** Changes the fault-injection knobs; returns the knobs now in force. Throws on invalid ones. */
  setKnobs(knobs: SimulatorKnobs): Required<SimulatorKnobs>;
  knobs(): Required<SimulatorKnobs>;
  stats(): SimulatorStats;
  /** Stats of one exact key (stats().byKey merges keys that share a fingerprint). */
  keyStats(key: string): KeyTrafficStats | undefined;
  /** Most requests seen in any sliding 1 s window for `key`, or for any single key if omitted. */
  maxRatePerSecond(key?: string): number;
  /** Clears the statistics only: behaviour counters and rate-limit windows carry on. */
  resetStats(): void;
  /** Clears statistics, flaky/rate_limited counters and rate-limit windows; keys and knobs stay. */
  reset(): void;
  /** Stops listening and drops open connections, pending delayed responses included. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seedFile ? await loadSeedFile(options.seedFile) : undefined;

  const knobs: Required<SimulatorKnobs> = { latencyMs: 0, errorRate: 0 };
  Object.assign(knobs, stripUndefined(parseKnobs({ latencyMs: seed?.latencyMs, errorRate: seed?.errorRate })));
  Object.assign(knobs, stripUndefined(parseKnobs({ latencyMs: options.latencyMs, errorRate: options.errorRate })));

  const rateLimit = options.rateLimit ?? seed?.rateLimit ?? {};
  const limiter = rateLimit === false
    ? undefined
    : new RateLimiter(rateLimitOptionsSchema.parse(rateLimit));

  const registry = new KeyRegistry();
  for (const [key, behavior] of Object.entries(seed?.keys ?? {})) registry.set(key, behavior);
  for (const [key, behavior] of Object.entries(options.keys ?? {})) registry.set(key, behavior);

  const traffic = new TrafficStats();
  // Delayed responses, so close() can cancel them instead of waiting them out.
  const timers = new Set<NodeJS.Timeout>();

  const admin: SimulatorAdmin = {
    setKey: (key, behavior) => registry.set(key, behavior),
    deleteKey: (key) => registry.delete(key),
    describeKey: (key) => registry.describe(key),
    setKnobs: (next) => ({ ...Object.assign(knobs, stripUndefined(parseKnobs(next))) }),
    knobs: () => ({ ...knobs }),
    stats: () => traffic.snapshot(),
    reset: () => {
      traffic.reset();
      registry.resetCounters();
      limiter?.reset();
    },
  };

  function handleApi(req: IncomingMessage, res: ServerResponse, path: string): void {
    const now = performance.now();
    const header = req.headers['x-smarttoken'];
    const token = typeof header === 'string' && header !== '' ? header : undefined;

    const ended = traffic.arrive(token, now);
    let release: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    // A client that gives up during the latency must not keep its concurrency slot.
    res.once('close', () => {
      ended();
      release?.();
      if (timer) {
        clearTimeout(timer);
        timers.delete(timer);
      }
    });

    const headers: OutgoingHttpHeaders = { 'Content-Type': JSON_TYPE };
    let outcome: Outcome;
    const decision = limiter && token !== undefined ? limiter.acquire(token, now) : undefined;
    if (decision) Object.assign(headers, decision.headers);
    else if (limiter) Object.assign(headers, limiter.idleHeaders());

    if (decision && !decision.allowed) {
      outcome = { status: 429, body: TOO_MANY_REQUESTS_BODY, retryAfter: decision.retryAfterSeconds };
    } else {
      if (decision?.allowed) release = decision.release;
      outcome = decide(req, path, token);
    }
    if (outcome.retryAfter !== undefined) headers['Retry-After'] = String(outcome.retryAfter);
    if (outcome.status === 405) headers['Allow'] = 'GET';

    const send = (): void => {
      if (timer) timers.delete(timer);
      if (res.destroyed) return;
      // Free the slot before the bytes leave, not on 'close': a client that fires its next
      // request the moment it reads this response must find the slot free.
      release?.();
      ended();
      traffic.answered(token, outcome.status);
      headers['Content-Length'] = Buffer.byteLength(outcome.body);
      res.writeHead(outcome.status, headers);
      res.end(outcome.body);
    };
    const latency = knobs.latencyMs + (outcome.latencyMs ?? 0);
    if (latency > 0) {
      timer = setTimeout(send, latency);
      timers.add(timer);
    } else {
      send();
    }
  }

  function decide(req: IncomingMessage, path: string, token: string | undefined): Outcome {
    const route = routeOf(path);
    if (!route) return { status: 404, body: NOT_FOUND_BODY };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return { status: 405, body: METHOD_NOT_ALLOWED_BODY };
    }
    if (knobs.errorRate > 0 && Math.random() < knobs.errorRate) {
      return { status: 503, body: SERVICE_UNAVAILABLE_BODY };
    }
    if (token === undefined) return outcomeFor('', undefined, route, () => 0);
    return outcomeFor(token, registry.resolve(token), route, () => registry.nextHit(token));
  }

  const server = createServer({ noDelay: true }, (req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (path.startsWith(ADMIN_PREFIX)) {
      void handleAdminRequest(req, res, path, admin);
      return;
    }
    handleApi(req, res, path);
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    setKey: admin.setKey,
    deleteKey: admin.deleteKey,
    describeKey: admin.describeKey,
    setKnobs: admin.setKnobs,
    knobs: admin.knobs,
    stats: admin.stats,
    keyStats: (key) => traffic.forKey(key),
    maxRatePerSecond: (key) => traffic.maxRatePerSecond(key),
    resetStats: () => traffic.reset(),
    reset: admin.reset,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function routeOf(path: string): SimRoute | undefined {
  if (path === '/configuration/company') return 'company';
  if (path === '/users/me') return 'me';
  return undefined;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
