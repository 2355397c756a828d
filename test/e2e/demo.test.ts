import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { deleteByPrefix } from '../../src/store/delete-prefix.js';
import { demoPrefix } from '../../src/cli/demo/run-demo.js';
import { uniquePrefix } from '../helpers/test-env.js';
import { freePort } from '../helpers/free-port.js';

const prefix = uniquePrefix('demo');

afterAll(async () => {
  const redis = new Redis(inject('redisUrl'));
  await deleteByPrefix(redis, demoPrefix({ LINKER_REDIS_PREFIX: prefix }));
  redis.disconnect();
});

function runDemoCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../../bin/account-linker.js', import.meta.url)), 'demo', ...args], {
    env: { PATH: process.env.PATH, REDIS_URL: inject('redisUrl'), LINKER_REDIS_PREFIX: prefix, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let stopped = false;
  child.stdout.on('data', (c: Buffer) => {
    stdout += c;
    // With --keep the demo runs until Ctrl-C: send it once the summary is out.
    if (!stopped && stdout.includes('Still running (Ctrl-C stops it)')) stopped = child.kill('SIGINT');
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run demo', () => {
  it('links a mix of keys end to end, prints a summary a newcomer can read, and exits 0', async () => {
    const { code, stdout, stderr } = await runDemoCli(['--tenants', '50']);
    expect(code, stderr + stdout).toBe(0);
    // 50 tenants in rounds of ten: 30 valid + 5 flaky link; 5 wrong keys; 5 forbidden + 5 without API access.
    expect(stdout).toMatch(/50 tenants through the whole pipeline in [\d.]+ s: 35 linked, 15 failed/);
    expect(stdout).toMatch(/linked\s+35/);
    expect(stdout).toMatch(/failed {2}invalid_credentials\s+5/);
    expect(stdout).toMatch(/failed {2}insufficient_permissions\s+10/);
    expect(stdout).toMatch(/ {2}linked\s+35 .*\n {4}of these, after a retry\s+5 /);
    expect(stdout).toMatch(/ {4}of these, no API access\s+5 .*Customer API/);
    expect(stdout).toMatch(/webhooks verified\s+50/);
    expect(stdout).toMatch(/confirmed\s+50/);
    expect(stdout).toContain('✓ every tenant ended exactly as its key dictates');
    // Everything has stopped: no address or token that leads nowhere.
    expect(stdout).not.toMatch(/http:\/\/|Bearer|admin token/);
    expect(stdout).toContain('npm run demo -- --keep');
  }, 180_000);

  it('re-runs cleanly on the data the previous run left behind, on the ports it is given', async () => {
    const [api, sim, receiver] = await Promise.all([freePort(), freePort(), freePort()]);
    const { code, stdout, stderr } = await runDemoCli(['--tenants', '20', '--sim-port', String(sim), '--receiver-port', String(receiver), '--keep'], { LINKER_PORT: String(api) });
    expect(code, stderr + stdout).toBe(0);
    expect(stdout).toMatch(/20 tenants through the whole pipeline in [\d.]+ s: 14 linked, 6 failed/);
    expect(stdout).toContain(`API docs     http://127.0.0.1:${api}/docs`);
    expect(stdout).toContain(`simulator    http://127.0.0.1:${sim}`);
    expect(stdout).toContain(`receiver     http://127.0.0.1:${receiver}/`);
  }, 180_000); // a whole demo run, then its shutdown, on a machine shared with other suites
});
