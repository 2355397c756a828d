import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const INSTALL_LINE = /installed dependencies do not match package-lock\.json \(node_modules is missing\): running npm ci/;
let folder: string | undefined;

afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** `npm test` on one small unit file, from a subdirectory of the clone, as a newcomer's shell would. */
async function npmTestOneFile(clone: string): Promise<string> {
  const { stdout, stderr } = await run('npm', ['test', '--', '--run', 'test/unit/env-redis-url.test.ts'], {
    cwd: join(clone, 'src'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, REDIS_URL: inject('redisUrl'), NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout + stderr;
}

describe('a fresh clone', () => {
  // One npm ci per suite run: this is the only test that installs.
  it('installs on the first `npm test` without a prior npm ci, passes, and does not reinstall the second time', async () => {
    folder = await mkdtemp(join(tmpdir(), 'account-linker-clone-'));
    const clone = join(folder, 'account-linker');
    await run('git', ['clone', '--quiet', repoRoot, clone]);

    const first = await npmTestOneFile(clone);
    expect(first).toMatch(INSTALL_LINE);
    expect(first).toMatch(/Test Files {2}1 passed/);
    const installedAt = (await stat(join(clone, 'node_modules', '.package-lock.json'))).mtimeMs;

    const second = await npmTestOneFile(clone);
    expect(second).not.toMatch(/running npm ci/);
    expect(second).toMatch(/Test Files {2}1 passed/);
    expect((await stat(join(clone, 'node_modules', '.package-lock.json'))).mtimeMs).toBe(installedAt);
  }, 600_000);
});
