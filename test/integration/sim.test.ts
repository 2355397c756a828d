import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  runSimulatorCli,
  simKey,
  startSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../src/sim/index.js';

const UNAUTHORIZED = {
  message: 'No valid API credential provided',
  errors: [{ code: 'unauthorized', message: 'No valid API credential provided' }],
};

let sim: Simulator;
const extraSims: Simulator[] = [];

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  const started = await startSimulator(options);
  extraSims.push(started);
  return started;
}

beforeEach(async () => {
  sim = await start();
});

afterEach(async () => {
  await Promise.all(extraSims.splice(0).map((s) => s.close()));
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  ms: number;
}

async function call(
  path: string,
  key?: string,
  init: { method?: 'GET' | 'PUT' | 'POST' | 'DELETE'; body?: string; signal?: AbortSignal; base?: Simulator } = {},
): Promise<Reply> {
  const started = performance.now();
  const res = await request(`${(init.base ?? sim).url}${path}`, {
    method: init.method ?? 'GET',
    headers: key === undefined ? {} : { 'X-SmartToken': key },
    body: init.body,
    signal: init.signal,
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    body: text === '' ? undefined : JSON.parse(text),
    ms: performance.now() - started,
  };
}

const company = (key?: string, base?: Simulator) =>
  call('/configuration/company', key, base ? { base } : {});
const statuses = (replies: Reply[]) => replies.map((r) => r.status);

describe('key kinds', () => {
  it('valid key: 200 with a CompanyConfiguration derived deterministically from the key', async () => {
    const key = simKey('valid', 1);
    const first = await company(key);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/application\/json/);
    expect(first.body).toMatchObject({
      identifier: expect.stringMatching(/^Company[0-9a-f]{8}$/),
      name: expect.stringMatching(/^Acme [0-9a-f]{4}$/),
      location: { country: expect.any(String), city: expect.any(String) },
      website: expect.stringMatching(/^https:\/\//),
      industry: { id: expect.any(String), label: expect.any(String) },
      logo: expect.any(String),
    });
    const again = await company(key);
    expect(again.body.identifier).toBe(first.body.identifier);
    const other = await company(simKey('valid', 2));
    expect(other.body.identifier).not.toBe(first.body.identifier);
  });

  it('valid key: /users/me returns the user with systemRole and accessGroups', async () => {
    const reply = await call('/users/me', simKey('valid', 'me'));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: expect.any(String),
      email: expect.stringContaining('@'),
      firstName: expect.any(String),
      lastName: expect.any(String),
      systemRole: { id: 'ADMINISTRATOR', name: 'Administrator' },
    });
    expect(reply.body.accessGroups).toEqual([{ id: expect.any(String), name: expect.any(String) }]);
  });

  it('missing, unknown, wrong-length and invalid keys: 401 in SmartRecruiters shape', async () => {
    expect(await company()).toMatchObject({ status: 401, body: UNAUTHORIZED });
    expect(await company('x'.repeat(32))).toMatchObject({ status: 401, body: UNAUTHORIZED });
    // The convention only applies to 32-character keys, like real customer keys; the 401 says why.
    const tooShort = await company('valid-but-too-short');
    expect(tooShort.status).toBe(401);
    expect(tooShort.body.message).toBe("No valid API credential provided: this key has 19 characters; SmartRecruiters API keys (and the simulator's) have 32");
    expect(tooShort.body.errors).toEqual([{ code: 'unauthorized', message: tooShort.body.message }]);
    expect((await company(`valid${'a'.repeat(30)}`)).body.message).toMatch(/this key has 35 characters/);
    expect(await company(simKey('invalid'))).toMatchObject({ status: 401, body: UNAUTHORIZED });
    expect((await call('/users/me', simKey('invalid'))).status).toBe(401);
  });

  it('forbidden key: 403 on the company, but /users/me shows a role without access', async () => {
    const key = simKey('forbidden');
    const reply = await company(key);
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({
      message: "The API credential doesn't have the access right to perform the request.",
      errors: [
        { code: 'forbidden', message: "The API credential doesn't have the access right to perform the request." },
      ],
    });
    const me = await call('/users/me', key);
    expect(me.status).toBe(200);
    expect(me.body.systemRole).toEqual({ id: 'EMPLOYEE', name: 'Employee' });
    expect(me.body.accessGroups).toEqual([]);
  });

  it('nofeature key: 403 "No access to feature: Customer API" on every route', async () => {
    const key = simKey('nofeature');
    for (const path of ['/configuration/company', '/users/me']) {
      const reply = await call(path, key);
      expect(reply.status).toBe(403);
      expect(reply.body.message).toBe('No access to feature: Customer API');
      expect(reply.body.errors).toEqual([expect.objectContaining({ code: expect.any(String) })]);
    }
  });

  it('flaky2: two 503s then 200s, counted per key', async () => {
    const a = simKey('flaky2', 'a');
    const b = simKey('flaky2', 'b');
    const first = await company(a);
    expect(first.status).toBe(503);
    expect(first.body).toEqual({ message: 'Service Unavailable' });
    expect((await company(a)).status).toBe(503);
    // b has its own counter: a's failures do not use up b's.
    expect((await company(b)).status).toBe(503);
    expect((await company(a)).status).toBe(200);
    expect((await company(a)).status).toBe(200);
    expect((await company(b)).status).toBe(503);
    expect((await company(b)).status).toBe(200);
    expect((await company(simKey('flaky', 'one'))).status).toBe(503);
  });

  it('slow300: answers after the delay without blocking other requests', async () => {
    const slow = company(simKey('slow300'));
    const fast = await company(simKey('valid', 'fast'));
    expect(fast.status).toBe(200);
    expect(fast.ms).toBeLessThan(150);
    const slowReply = await slow;
    expect(slowReply.status).toBe(200);
    expect(slowReply.ms).toBeGreaterThanOrEqual(290);
    expect(slowReply.body.identifier).toMatch(/^Company/);
  });

  it('ratelimit2: 429 with Retry-After: 2, forever', async () => {
    const key = simKey('ratelimit2');
    for (let i = 0; i < 3; i++) {
      const reply = await company(key);
      expect(reply.status).toBe(429);
      expect(reply.headers['retry-after']).toBe('2');
      expect(reply.body.message).toBe('Too many requests');
      expect(reply.body.errors).toHaveLength(1);
    }
  });

  it('ratelimitx: 429 without Retry-After; ratelimit1t2: two 429s then 200', async () => {
    const noHeader = await company(simKey('ratelimitx'));
    expect(noHeader.status).toBe(429);
    expect(noHeader.headers['retry-after']).toBeUndefined();

    const key = simKey('ratelimit1t2');
    const replies = [await company(key), await company(key), await company(key)];
    expect(statuses(replies)).toEqual([429, 429, 200]);
    expect(replies[0]!.headers['retry-after']).toBe('1');
  });

  it('error503 / error404 / registered error 500: the same status forever', async () => {
    const key503 = simKey('error503');
    expect(statuses([await company(key503), await company(key503), await company(key503)])).toEqual([503, 503, 503]);
    expect((await company(key503)).body).toEqual({ message: 'Service Unavailable' });
    const notFound = await company(simKey('error404'));
    expect(notFound.status).toBe(404);
    expect(notFound.body.errors[0]).toMatchObject({ code: expect.any(String) });
    const plain = await company(simKey('error'));
    expect(plain.status).toBe(500);
    expect(plain.body).toEqual({ message: 'Internal Server Error' });
  });

  it('registered keys win over the convention and can carry their own company', async () => {
    const key = simKey('valid', 'registered');
    sim.setKey(key, { kind: 'invalid' });
    expect((await company(key)).status).toBe(401);
    sim.setKey(key, { kind: 'valid', company: { identifier: 'AcmeCorp', name: 'Acme Corp' } });
    const reply = await company(key);
    expect(reply.body).toMatchObject({ identifier: 'AcmeCorp', name: 'Acme Corp' });
    // Any string can be registered, not only 32-character ones.
    sim.setKey('short', { kind: 'flaky', failures: 1 });
    expect(statuses([await company('short'), await company('short')])).toEqual([503, 200]);
    expect(sim.deleteKey(key)).toBe(true);
    expect((await company(key)).body.identifier).toMatch(/^Company[0-9a-f]{8}$/);
    expect(() => sim.setKey(key, { kind: 'flaky', failures: -1 })).toThrow(/failures/);
  });

  it('unknown route → 404, wrong method → 405', async () => {
    const key = simKey('valid', 'routes');
    const missing = await call('/nope', key);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ message: 'Not Found', errors: [{ code: 'not_found' }] });
    expect((await call('/configuration/company/extra')).status).toBe(404);
    const wrongMethod = await call('/configuration/company', key, { method: 'POST', body: '{}' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers['allow']).toBe('GET');
  });
});

describe('rate limits', () => {
  it('every response carries the X-RateLimit headers, counting down per key', async () => {
    const key = simKey('valid', 'headers');
    const first = await company(key);
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit': '10',
      'x-ratelimit-remaining': '9',
      'x-ratelimit-concurrent-limit': '8',
      'x-ratelimit-concurrent-remaining': '7',
    });
    const second = await company(key);
    expect(second.headers['x-ratelimit-remaining']).toBe('8');
    // 401s and 404s carry them too.
    const unauthorized = await company();
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers['x-ratelimit-limit']).toBe('10');
    expect((await call('/nope', key)).headers['x-ratelimit-remaining']).toBe('7');
  });

  it('more than 10 requests in a second for one key → 429, another key unaffected', async () => {
    const key = simKey('valid', 'burst');
    const replies: Reply[] = [];
    for (let i = 0; i < 12; i++) replies.push(await company(key));
    expect(statuses(replies)).toEqual([...Array(10).fill(200), 429, 429]);
    expect(replies[10]!.body).toEqual({
      message: 'Too many requests',
      errors: [{ code: 'too_many_requests', message: 'Too many requests' }],
    });
    expect(replies[10]!.headers['x-ratelimit-remaining']).toBe('0');
    // The limiter's own 429 has no Retry-After by default: SmartRecruiters does not document it.
    expect(replies[10]!.headers['retry-after']).toBeUndefined();
    const other = await company(simKey('valid', 'other'));
    expect(other.status).toBe(200);
    expect(other.headers['x-ratelimit-remaining']).toBe('9');
  });

  it('the window slides: after a second the key is admitted again', async () => {
    const s = await start({ rateLimit: { perSecond: 3, concurrent: 8 } });
    const key = simKey('valid', 'slide');
    const burst = [await company(key, s), await company(key, s), await company(key, s), await company(key, s)];
    expect(statuses(burst)).toEqual([200, 200, 200, 429]);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await company(key, s)).status).toBe(200);
  });

  it('more than 8 in flight for one key → 429, another key unaffected', async () => {
    const key = simKey('slow300', 'concurrency');
    const inFlight = Array.from({ length: 9 }, () => company(key));
    const otherKey = simKey('valid', 'bystander');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const other = await company(otherKey);
    expect(other.status).toBe(200);
    expect(other.headers['x-ratelimit-concurrent-remaining']).toBe('7');
    const replies = await Promise.all(inFlight);
    expect(statuses(replies).filter((s) => s === 200)).toHaveLength(8);
    const refused = replies.filter((r) => r.status === 429);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.headers['x-ratelimit-concurrent-remaining']).toBe('0');
    expect(refused[0]!.ms).toBeLessThan(250); // refused at once, not after the slow delay
    expect(sim.keyStats(key)?.maxConcurrent).toBe(9);
  });

  it('a client that disconnects during latency releases its concurrency slot', async () => {
    const key = simKey('slow1000', 'abort');
    const controller = new AbortController();
    const aborted = Array.from({ length: 8 }, () =>
      call('/configuration/company', key, { signal: controller.signal }).then(
        () => 'answered',
        () => 'aborted',
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(sim.stats().inFlight).toBe(8);
    controller.abort();
    expect(await Promise.all(aborted)).toEqual(Array(8).fill('aborted'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sim.stats().inFlight).toBe(0);
    // Same credential, now answering at once: admitted only if all 8 slots were freed.
    sim.setKey(key, { kind: 'valid' });
    const after = await company(key);
    expect(after.status).toBe(200);
    expect(after.headers['x-ratelimit-concurrent-remaining']).toBe('7');
    expect(sim.stats().byStatus['200']).toBe(1); // the aborted ones were never answered
  });

  it('rateLimit: false disables limits and headers', async () => {
    const s = await start({ rateLimit: false });
    const key = simKey('valid', 'unlimited');
    const replies = await Promise.all(Array.from({ length: 30 }, () => company(key, s)));
    expect(statuses(replies)).toEqual(Array(30).fill(200));
    expect(replies[0]!.headers['x-ratelimit-limit']).toBeUndefined();
    expect(s.maxRatePerSecond(key)).toBe(30);
  });

  it('limiter Retry-After can be switched on', async () => {
    const s = await start({ rateLimit: { perSecond: 1, retryAfter: true } });
    const key = simKey('valid', 'retry-after');
    expect((await company(key, s)).status).toBe(200);
    const refused = await company(key, s);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['x-ratelimit-concurrent-limit']).toBe('8');
  });
});

describe('knobs', () => {
  it('global latency delays every response without serialising them', async () => {
    sim.setKnobs({ latencyMs: 200 });
    const started = performance.now();
    const replies = await Promise.all([
      company(simKey('valid', 1)),
      company(simKey('valid', 2)),
      company(simKey('invalid')),
    ]);
    const elapsed = performance.now() - started;
    expect(statuses(replies)).toEqual([200, 200, 401]);
    for (const reply of replies) expect(reply.ms).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(390);
  });

  it('errorRate 1 answers 503 to everything, 0 to nothing', async () => {
    const key = simKey('valid', 'errors');
    expect(sim.setKnobs({ errorRate: 1 })).toEqual({ latencyMs: 0, errorRate: 1 });
    const failed = await company(key);
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ message: 'Service Unavailable' });
    sim.setKnobs({ errorRate: 0 });
    expect((await company(key)).status).toBe(200);
    expect(() => sim.setKnobs({ errorRate: 2 })).toThrow(/errorRate/);
  });
});

describe('admin routes', () => {
  it('PUT /_sim/keys/:key registers a behaviour, GET describes it, DELETE removes it', async () => {
    const key = simKey('valid', 'admin');
    const put = await call(`/_sim/keys/${key}`, undefined, {
      method: 'PUT',
      body: JSON.stringify({ kind: 'rate_limited', retryAfter: null, times: 1 }),
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      fingerprint: key.slice(-4),
      behavior: { kind: 'rate_limited', retryAfter: null, times: 1 },
    });
    expect(JSON.stringify(put.body)).not.toContain(key);
    const limited = await company(key);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeUndefined();
    expect((await company(key)).status).toBe(200);

    expect((await call(`/_sim/keys/${key}`)).body).toMatchObject({ source: 'registered' });
    expect((await call(`/_sim/keys/${key}`, undefined, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/_sim/keys/${key}`)).body).toMatchObject({ source: 'convention', behavior: { kind: 'valid' } });
    expect((await call('/_sim/keys/whatever')).body).toMatchObject({ source: 'unknown' });
  });

  it('bad behaviour JSON → 400 naming the problem, and nothing changes', async () => {
    const key = simKey('valid', 'bad-admin');
    const cases = [
      { kind: 'bogus' },
      { kind: 'flaky', failures: 'two' },
      { kind: 'valid', failures: 2 },
      { kind: 'error', status: 200 },
      { kind: 'valid', company: { identifier: '' } },
    ];
    for (const body of cases) {
      const reply = await call(`/_sim/keys/${key}`, undefined, { method: 'PUT', body: JSON.stringify(body) });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.message).toBe('Invalid key behaviour');
      expect(reply.body.errors.length).toBeGreaterThan(0);
      expect(reply.body.errors[0]).toMatchObject({ code: 'invalid_body', message: expect.any(String) });
    }
    const notJson = await call(`/_sim/keys/${key}`, undefined, { method: 'PUT', body: '{kind:' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors[0].code).toBe('invalid_json');
    expect((await call(`/_sim/keys/${key}`, undefined, { method: 'PUT' })).status).toBe(400);
    expect((await company(key)).status).toBe(200);
  });

  it('PUT /_sim/knobs changes latency and error rate; bad knobs → 400', async () => {
    const put = await call('/_sim/knobs', undefined, { method: 'PUT', body: JSON.stringify({ latencyMs: 120 }) });
    expect(put).toMatchObject({ status: 200, body: { latencyMs: 120, errorRate: 0 } });
    expect((await company(simKey('valid'))).ms).toBeGreaterThanOrEqual(110);
    const bad = await call('/_sim/knobs', undefined, { method: 'PUT', body: JSON.stringify({ errorRate: -1 }) });
    expect(bad.status).toBe(400);
    const unknown = await call('/_sim/knobs', undefined, { method: 'PUT', body: JSON.stringify({ latency: 5 }) });
    expect(unknown.status).toBe(400);
    expect(sim.knobs()).toEqual({ latencyMs: 120, errorRate: 0 });
  });

  it('GET /_sim/stats and POST /_sim/reset', async () => {
    const flaky = simKey('flaky1', 'reset');
    expect((await company(flaky)).status).toBe(503);
    expect((await company(flaky)).status).toBe(200);
    const stats = await call('/_sim/stats');
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ requests: 2, byStatus: { '200': 1, '503': 1 } });
    expect(stats.body.byKey[flaky.slice(-4)]).toMatchObject({ requests: 2, byStatus: { '200': 1, '503': 1 } });

    expect((await call('/_sim/reset', undefined, { method: 'POST' })).status).toBe(204);
    expect((await call('/_sim/stats')).body).toMatchObject({ requests: 0, byStatus: {}, byKey: {} });
    // reset also restarts behaviour counters.
    expect((await company(flaky)).status).toBe(503);
    expect((await call('/_sim/nope')).status).toBe(404);
    expect((await call('/_sim/reset')).status).toBe(405);
  });
});

describe('seed file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-seed-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads keys and knobs; explicit options override it', async () => {
    const file = join(dir, 'seed.json');
    await writeFile(
      file,
      JSON.stringify({
        keys: {
          'seeded-key': { kind: 'valid', company: { identifier: 'Seeded', name: 'Seeded Inc' } },
          'seeded-bad': { kind: 'forbidden' },
        },
        latencyMs: 100,
        errorRate: 0,
      }),
    );
    const s = await start({ seedFile: file });
    expect(s.knobs()).toEqual({ latencyMs: 100, errorRate: 0 });
    const reply = await company('seeded-key', s);
    expect(reply.body).toMatchObject({ identifier: 'Seeded', name: 'Seeded Inc' });
    expect(reply.ms).toBeGreaterThanOrEqual(90);
    expect((await company('seeded-bad', s)).status).toBe(403);

    const overridden = await start({ seedFile: file, latencyMs: 0, keys: { 'seeded-bad': { kind: 'valid' } } });
    expect(overridden.knobs().latencyMs).toBe(0);
    expect((await company('seeded-bad', overridden)).status).toBe(200);
  });

  it('a bad seed file stops start-up with a message naming the file and field', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ keys: { k: { kind: 'slow', latencyMs: 'long' } } }));
    await expect(startSimulator({ seedFile: file })).rejects.toThrow(/bad\.json[\s\S]*latencyMs/);
    await expect(startSimulator({ seedFile: join(dir, 'missing.json') })).rejects.toThrow(/missing\.json/);
  });
});

describe('stats', () => {
  it('counts per fingerprint, never exposes a full key, tracks max rate and concurrency', async () => {
    const key = simKey('valid', 'stats');
    const other = simKey('invalid', 'stats');
    await Promise.all([company(key), company(key), company(key)]);
    await company(key);
    await company(other);
    await company();
    const stats = sim.stats();
    expect(stats.requests).toBe(6);
    expect(stats.byStatus).toEqual({ '200': 4, '401': 2 });
    expect(Object.keys(stats.byKey).sort()).toEqual([key.slice(-4), other.slice(-4)].sort());
    expect(stats.byKey[key.slice(-4)]).toMatchObject({ requests: 4, maxObservedPerSecond: 4 });
    expect(stats.byKey[key.slice(-4)]!.maxConcurrent).toBeGreaterThanOrEqual(1);
    expect(stats.maxObservedPerSecond).toBe(4);
    expect(sim.maxRatePerSecond(key)).toBe(4);
    expect(sim.maxRatePerSecond(other)).toBe(1);
    expect(sim.maxRatePerSecond()).toBe(4);
    const text = JSON.stringify(stats);
    expect(text).not.toContain(key);
    expect(text).not.toContain(other);

    sim.resetStats();
    expect(sim.stats()).toMatchObject({ requests: 0, byKey: {}, maxObservedPerSecond: 0 });
    // resetStats leaves the rate-limit window alone: 4 used, 6 left.
    expect((await company(key)).headers['x-ratelimit-remaining']).toBe('5');
  });

  it('counts 429s in the observed rate, so a client that bursts is caught', async () => {
    const key = simKey('valid', 'burster');
    for (let i = 0; i < 13; i++) await company(key);
    expect(sim.maxRatePerSecond(key)).toBe(13);
    expect(sim.keyStats(key)?.byStatus).toEqual({ '200': 10, '429': 3 });
  });
});

describe('CLI', () => {
  it('runSimulatorCli prints the listening line and serves', async () => {
    const lines: string[] = [];
    const s = await runSimulatorCli({ latencyMs: 0, log: (line) => lines.push(line) });
    extraSims.push(s);
    expect(lines).toEqual([`SmartRecruiters simulator listening on ${s.url}`]);
    expect((await company(simKey('valid'), s)).status).toBe(200);
  });

  it('stops cleanly on SIGTERM', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', "import('./src/sim/run-simulator-cli.ts').then((m) => m.runSimulatorCli({}))"],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    const reply = await request(`${url}/configuration/company`, { headers: { 'X-SmartToken': simKey('valid') } });
    await reply.body.dump();
    expect(reply.statusCode).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 10_000);
});
