import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { deleteByPrefix } from '../../src/store/delete-prefix.js';
import { freePort } from '../helpers/free-port.js';
import { uniquePrefix } from '../helpers/test-env.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const prefix = uniquePrefix('readme');
let folder: string | undefined;

afterAll(async () => {
  const redis = new Redis(inject('redisUrl'));
  await deleteByPrefix(redis, prefix);
  redis.disconnect();
  if (folder) await rm(folder, { recursive: true, force: true });
});

interface TourCommand {
  /** The command as README shows it, continuation lines joined. */
  text: string;
  /** What README promises it prints (`# → …`), if anything. */
  promise?: string;
}

/** The first `sh` block of README's "Try it" section, split into commands and their promises. */
function tryItCommands(readme: string): TourCommand[] {
  const section = /^## Try it\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Try it" section');
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README\'s "Try it" section has no ```sh block');
  const commands: TourCommand[] = [];
  let pending = '';
  for (const line of block.split('\n')) {
    const promise = /^# → (.*)$/.exec(line)?.[1];
    if (promise !== undefined) {
      commands.at(-1)!.promise = promise;
      continue;
    }
    pending += line;
    if (line.endsWith('\\')) pending += '\n';
    else if (pending.trim()) {
      commands.push({ text: pending });
      pending = '';
    } else pending = '';
  }
  return commands;
}

/** A promise like `{"id":"cr_…","status":"queued",…}` as a pattern: `…` stands for anything. */
function promisePattern(promise: string): RegExp {
  return new RegExp(`^${promise.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?')}$`, 's');
}

describe("README's Try it", () => {
  it('runs as written and prints what README promises', async () => {
    const commands = tryItCommands(await readFile(join(repoRoot, 'README.md'), 'utf8'));
    expect(commands.filter((c) => c.promise).length).toBeGreaterThanOrEqual(2);

    folder = await mkdtemp(join(tmpdir(), 'readme-try-it-'));
    // The commands run word for word, in one shell at the clone's root, except for the ports: the
    // test takes free ones instead of 4010 and 3000, which other processes on this machine may hold.
    const [simPort, apiPort] = [await freePort(), await freePort()];
    const script = commands
      .map(({ text }, i) => `{ ${text.replaceAll('4010', String(simPort)).replaceAll(':3000', `:${apiPort}`)}\n} >"${folder}/${i}.out" 2>&1`)
      .join('\n');
    const shell = spawn('bash', ['-c', script], {
      cwd: repoRoot,
      detached: true,
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        REDIS_URL: inject('redisUrl'),
        LINKER_REDIS_PREFIX: prefix,
        LINKER_PORT: String(apiPort),
        LINKER_DATA_DIR: folder,
        LINKER_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      },
    });
    let code: number | null;
    try {
      code = await new Promise<number | null>((resolve) => shell.once('exit', resolve));
    } finally {
      // The simulator and the service were started in the background: stop the whole group.
      process.kill(-shell.pid!, 'SIGTERM');
    }
    const printed = await Promise.all(commands.map(async ({ text }, i) => `$ ${text}\n${await readFile(join(folder!, `${i}.out`), 'utf8').catch(() => '')}`));
    expect(code, printed.join('\n')).toBe(0);

    for (const [i, { text, promise }] of commands.entries()) {
      if (!promise) continue;
      const printed = (await readFile(join(folder, `${i}.out`), 'utf8')).trim();
      expect(printed, `${text}\nprinted:\n${printed}`).toMatch(promisePattern(promise));
    }
  }, 120_000);
});
