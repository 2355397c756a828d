import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { waitFor } from '../helpers/harness.js';
import { startService, type ServiceProcess } from '../helpers/service-process.js';
import { PLATFORMS, testEnvVars } from '../helpers/test-env.js';

const BIN = fileURLToPath(new URL('../../bin/account-linker.js', import.meta.url));
const started: ServiceProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
});

async function api(level: string, overrides: Record<string, string> = {}): Promise<ServiceProcess> {
  const service = await startService('api', testEnvVars('logs', { LINKER_LOG_LEVEL: level, ...overrides }));
  started.push(service);
  return service;
}

/** One plain GET, so the log holds exactly the requests the test made. */
async function get(url: string, token?: string): Promise<void> {
  await (await request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })).body.text();
}

/** Three calls: an authenticated list, an unknown route, a call without a token. */
async function threeCalls(url: string): Promise<void> {
  await get(`${url}/v1/connect-requests?limit=1`, PLATFORMS.acme);
  await get(`${url}/v1/nothing-here`, PLATFORMS.acme);
  await get(`${url}/v1/accounts`);
}

const requestLines = (output: string[]) => output.filter((line) => line.includes('"msg":"request"'));

describe('logs', () => {
  it('at the default info level, requests write no lines', async () => {
    const service = await api('info');
    await threeCalls(service.url!);
    await get(`${service.url}/healthz`);
    expect(requestLines(service.output)).toEqual([]);
    expect(service.output.some((line) => line.includes('no platforms configured'))).toBe(false);
    expect(service.output.every((line) => line.startsWith('{'))).toBe(true);
  });

  it('at debug, each request writes exactly one JSON line with method, path, status and duration (never the query)', async () => {
    const service = await api('debug');
    await threeCalls(service.url!);
    // A request's line is written once its response has gone out, so it may trail the response a little.
    await waitFor(async () => requestLines(service.output).length >= 3, { what: 'three request lines' });
    await get(`${service.url}/healthz`);
    await waitFor(async () => requestLines(service.output).length >= 4, { what: 'the fourth request line' });
    const lines = requestLines(service.output).slice(0, 3).map((line) => JSON.parse(line));
    expect(requestLines(service.output)).toHaveLength(4);
    expect(lines.map((l) => [l.level, l.req.method, l.req.path, l.res.statusCode])).toEqual([
      [20, 'GET', '/v1/connect-requests', 200],
      [20, 'GET', '/v1/nothing-here', 404],
      [20, 'GET', '/v1/accounts', 401],
    ]);
    for (const line of lines) expect(line.ms).toBeTypeOf('number');
  });

  it('warns when no platform is configured', async () => {
    const service = await api('info', { LINKER_PLATFORMS: '' });
    const warning = await waitFor(async () => service.output.find((line) => line.includes('no platforms configured')), { what: 'the warning' });
    expect(JSON.parse(warning!)).toMatchObject({ level: 40 });
    expect(warning).toContain('LINKER_PLATFORMS=id:token');
  });

  it('on a terminal, writes human-readable lines instead of JSON', async () => {
    // util-linux `script` gives the process a pseudo-terminal as stdout, as an interactive shell would.
    const env = { ...testEnvVars('logs'), PATH: process.env.PATH, LINKER_PORT: '0', LINKER_HOST: '127.0.0.1' };
    const child = spawn('script', ['-qfec', `"${process.execPath}" "${BIN}" api`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line on the terminal:\n${text}`)), 30_000);
        child.stdout.on('data', () => {
          if (/listening on http/.test(text)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
    const line = text.split(/\r?\n/).find((l) => l.includes('listening on http'))!;
    expect(line).not.toMatch(/^\s*\{/);
    expect(line).toMatch(/INFO/);
    expect(line).not.toContain('"level"');
  });
});
