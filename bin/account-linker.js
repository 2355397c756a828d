#!/usr/bin/env node
// The command runs the TypeScript sources through tsx so there is no build step to forget.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

const LEAN_FLAG = '--max-semi-space-size=1';
const LEAN_FLAGS = [LEAN_FLAG, '--expose-gc'];
const SERVICE_COMMANDS = ['start', 'api', 'worker'];

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
  // The service's heap is tuned at run time: a re-run with flags, as `bulk` does, would cost a
  // second process. An isolate's young-generation limit is fixed when the isolate is created, so
  // the limit set around register() reaches only tsx's loader thread, which needs little. The main
  // thread's young generation doubles while much survives its scavenges, as loading the modules
  // does, up to 32 MB that then stay committed while idle. V8 raises a growth factor below 2 when
  // it creates an isolate (hence after register()) but follows it afterwards: holding it at 1 until
  // the service is up leaves the young generation to grow with the work only. Under load V8 lets
  // the old generation grow to up to 4 times what its last full GC kept, most of it garbage
  // already; a fixed factor of 2 collects it sooner, for a few more full GCs.
  const service = SERVICE_COMMANDS.includes(process.argv[2]);
  if (service) setFlagsFromString('--max-semi-space-size=1');
  const { register } = await import('tsx/esm/api');
  register();
  if (service) {
    setFlagsFromString('--max-semi-space-size=0');
    setFlagsFromString('--semi-space-growth-factor=1');
    setFlagsFromString('--heap-growing-percent=100');
  }
  const { main } = await import('../src/cli/main.ts');
  await main(process.argv);
  if (service) setFlagsFromString('--semi-space-growth-factor=2');
}
