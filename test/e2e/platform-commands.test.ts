import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { securityRow } from '../helpers/security-table.js';

const BIN = fileURLToPath(new URL('../../bin/account-linker.js', import.meta.url));

let h: Harness;
let other: Harness;
beforeAll(async () => {
  h = await startHarness('platform-commands', { workers: false });
  // A second API process on the same Redis: a change must reach it too.
  other = await startHarness('platform-commands-2', { workers: false, env: { LINKER_REDIS_PREFIX: h.rt.env.LINKER_REDIS_PREFIX } });
});
afterAll(async () => {
  await other?.app.close();
  await other?.rt.close();
  await other?.sim.close();
  await h?.close();
});

/** Runs `account-linker platforms …` as a real process against the harness' Redis prefix. */
function platforms(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'platforms', ...args], { env: { PATH: process.env.PATH, ...h.envVars } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const tokenIn = (stdout: string) => /^(alk_[A-Za-z0-9_-]{32})$/m.exec(stdout)?.[1];
/** The status every running API process answers a token with. */
const statuses = async (token: string) => Promise.all([h, other].map(async (api) => (await api.api('GET', '/v1/connect-requests', { token })).status));

describe('account-linker platforms list | add | rotate | revoke', () => {
  it('rotate and revoke take effect in every running process at once, past their token caches', async () => {
    const row = securityRow('secrets', 'platform token rotate and revoke (npx account-linker platforms) with two API processes holding the token in cache', 'old token 401 in both processes on the next request after the command; new token works; LINKER_PLATFORMS entries refused with advice');
    const added = await platforms('add', 'beta');
    expect(added.code, added.stderr).toBe(0);
    const first = tokenIn(added.stdout)!;
    expect(first).toBeDefined();
    expect(await statuses(first)).toEqual([200, 200]);
    // Both processes now hold the token in their caches.

    const rotated = await platforms('rotate', 'beta');
    expect(rotated.code, rotated.stderr).toBe(0);
    const second = tokenIn(rotated.stdout)!;
    expect(second).not.toBe(first);
    expect(await statuses(first)).toEqual([401, 401]);
    expect(await statuses(second)).toEqual([200, 200]);
    row.runs += 2;

    const listed = await platforms('list');
    expect(listed.stdout).toMatch(/^acme\s+LINKER_PLATFORMS\s+1$/m);
    expect(listed.stdout).toMatch(/^beta\s+stored\s+1$/m);
    expect(listed.stdout).not.toContain(second);

    const revoked = await platforms('revoke', 'beta');
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(await statuses(second)).toEqual([401, 401]);
    expect((await platforms('list')).stdout).not.toMatch(/^beta/m);
    row.runs += 2;

    // Redis never held a token in clear.
    expect(await h.dumpRedis()).not.toMatch(/alk_/);

    for (const [args, message] of [
      [['revoke', 'acme'], /platform "acme" comes from LINKER_PLATFORMS: change or remove its entry there and restart the service/],
      [['rotate', 'nobody'], /no platform "nobody"; see the known ones with: account-linker platforms list/],
      [['add', 'acme'], /platform "acme" already exists; give it a new token with: account-linker platforms rotate acme/],
    ] as const) {
      const refused = await platforms(...args);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(message);
      row.runs++;
    }
  });
});
