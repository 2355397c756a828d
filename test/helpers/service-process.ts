import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/account-linker.js', import.meta.url));

export type ServiceCommand = 'api' | 'worker' | 'start';

export interface ServiceProcess {
  command: ServiceCommand;
  child: ChildProcess;
  /** The API's base URL, or for a worker started with --metrics-port its metrics server's. */
  url?: string;
  /** Every stdout/stderr line, for readiness, assertions and secret scans. */
  output: string[];
  /** Resolves with the exit code (or signal name) once the process ended. */
  exited: Promise<number | string>;
  /** SIGTERM, then waits; SIGKILL if it has not stopped after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
  /** SIGKILL: no graceful shutdown, its job locks are left to expire. */
  kill(): Promise<number | string>;
}

export interface StartServiceOptions {
  /** Extra command-line arguments, e.g. ['--concurrency', '20']. */
  args?: string[];
  /** Lines are collected here (shared by several processes for one scan); default a new array. */
  output?: string[];
  /** Default 30 s. */
  startTimeoutMs?: number;
}

/**
 * Starts `account-linker <command>` as a real child process (port 0 for an API, read back from its
 * log) and resolves once it is up: "listening" for an API, "workers started" for a worker.
 */
export async function startService(command: ServiceCommand, env: Record<string, string>, options: StartServiceOptions = {}): Promise<ServiceProcess> {
  const { args = [], output = [], startTimeoutMs = 30_000 } = options;
  const child = spawn(process.execPath, [BIN, command, ...args], {
    env: { PATH: process.env.PATH, ...env, LINKER_PORT: '0', LINKER_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const ready = new Promise<string | undefined>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`account-linker ${command} did not start within ${startTimeoutMs} ms:\n${output.slice(-20).join('\n')}`)), startTimeoutMs);
    let buffered = '';
    let url: string | undefined;
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        url ??= /listening on (http:\/\/[\d.:]+)/.exec(line)?.[1];
        if (command === 'worker' ? /"msg":"workers started"/.test(line) : url) {
          clearTimeout(timer);
          resolve(url);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`account-linker ${command} exited (${code}) before it was ready:\n${output.slice(-20).join('\n')}`));
    });
  });
  const url = await ready;
  return {
    command,
    child,
    url,
    output,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
