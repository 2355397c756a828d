#!/usr/bin/env node
// Runs before `npm start`, `npm run demo`, `npm test` and `npm run bench`, so a fresh clone needs
// no separate `npm ci`. Plain Node with no dependency: it runs before anything is installed.
//
// The installed tree is what npm recorded in node_modules/.package-lock.json (its "hidden
// lockfile", rewritten on every install). The tree matches package-lock.json when every installed
// package is the locked one and every locked package that is not optional is installed. The
// SHA-256 of a package-lock.json found to match is kept in node_modules, so the usual run only
// hashes one file; a changed lock (git pull, npm install) is compared again, and `npm ci` runs
// only when the tree really differs. No network unless it installs.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lockPath = join(root, 'package-lock.json');
const installedPath = join(root, 'node_modules', '.package-lock.json');
const stampPath = join(root, 'node_modules', '.package-lock.sha256');

const lockText = readFileSync(lockPath, 'utf8');
const lockHash = createHash('sha256').update(lockText).digest('hex');

/** Why the installed tree differs from the lock, or undefined when it matches. */
function treeDifference() {
  if (!existsSync(installedPath)) return 'node_modules is missing';
  const locked = JSON.parse(lockText).packages ?? {};
  const installed = JSON.parse(readFileSync(installedPath, 'utf8')).packages ?? {};
  for (const [path, entry] of Object.entries(installed)) {
    const want = locked[path];
    if (!want || want.version !== entry.version || want.integrity !== entry.integrity) return `${path} differs from package-lock.json`;
  }
  for (const [path, entry] of Object.entries(locked)) {
    if (path !== '' && !entry.optional && !installed[path]) return `${path} is not installed`;
  }
  return undefined;
}

const stamp = existsSync(stampPath) ? readFileSync(stampPath, 'utf8').trim() : '';
if (stamp !== lockHash) {
  const difference = treeDifference();
  if (difference) {
    console.error(`account-linker: installed dependencies do not match package-lock.json (${difference}): running npm ci`);
    // Under `npm run` the npm that started us is npm_execpath; run it with this Node, as npm does.
    const npmCli = process.env.npm_execpath;
    const [command, args] = npmCli ? [process.execPath, [npmCli]] : ['npm', []];
    execFileSync(command, [...args, 'ci', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  writeFileSync(stampPath, `${lockHash}\n`);
}
