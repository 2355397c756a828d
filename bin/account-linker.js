#!/usr/bin/env node
// The command runs the TypeScript sources through tsx so there is no build step to forget.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const LEAN_FLAG = '--max-semi-space-size=1';
const LEAN_FLAGS = [LEAN_FLAG, '--expose-gc'];

if (process.argv[2] === 'bulk' && !process.execArgv.includes(LEAN_FLAG)) {
  // `bulk` streams files of 100,000+ rows and must stay small; V8's young generation is sized at
  // start-up only, so the command re-runs itself with a small one. The IPC channel lets the child
  // notice when this launcher dies (even by SIGKILL) and stop with it.
  const child = spawn(process.execPath, [...process.execArgv, ...LEAN_FLAGS, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 1)));
} else {
  if (process.send) process.on('disconnect', () => process.exit(130));
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  await main(process.argv);
}
