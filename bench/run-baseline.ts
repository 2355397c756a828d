import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface BaselineOptions {
  redisUrl: string;
  prefix: string;
  simUrl: string;
  receiverUrl: string;
  n: number;
  concurrency: number;
  tag: string;
}

const SCRIPT = fileURLToPath(new URL('./baseline-pipeline.ts', import.meta.url));

/** Runs the baseline pipeline in its own process and returns its throughput (links per second). */
export async function runBaseline(options: BaselineOptions): Promise<{ elapsedMs: number; perS: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(options)], {
    maxBuffer: 1024 * 1024,
    timeout: Math.max(300_000, options.n * 20),
  });
  const { elapsedMs } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { elapsedMs: number };
  return { elapsedMs, perS: options.n / (elapsedMs / 1000) };
}
