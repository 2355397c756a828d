import { basename, extname } from 'node:path';
import { BULK_EXIT, BulkExitError } from './bulk-exit.js';
import { runBulk } from './bulk-command.js';

export interface BulkCliOptions {
  api: string;
  token?: string;
  wait?: boolean;
  out?: string;
  batchSize: number;
  concurrency: number;
  pollInterval: number;
}

/** tenants.csv → tenants.results.csv, in the current directory. */
export const resultsFileFor = (file: string) => `${basename(file, extname(file))}.results.csv`;

/** The `bulk` command's entry: resolves defaults, runs, and exits with the documented code. */
export async function bulkAction(file: string, opts: BulkCliOptions): Promise<void> {
  const fail = (error: BulkExitError) => {
    console.error(`account-linker bulk: ${error.message}`);
    process.exit(error.exitCode);
  };
  const token = opts.token ?? process.env.LINKER_TOKEN;
  if (!token) return fail(new BulkExitError(BULK_EXIT.badInput, 'no platform token: pass --token or set LINKER_TOKEN.'));
  if (opts.batchSize < 1 || opts.concurrency < 1) return fail(new BulkExitError(BULK_EXIT.badInput, '--batch-size and --concurrency must be at least 1.'));
  try {
    const code = await runBulk({
      file,
      api: opts.api,
      token,
      wait: Boolean(opts.wait),
      out: opts.out ?? resultsFileFor(file),
      batchSize: opts.batchSize,
      concurrency: opts.concurrency,
      pollIntervalMs: opts.pollInterval,
    });
    process.exit(code);
  } catch (error) {
    if (error instanceof BulkExitError) return fail(error);
    throw error;
  }
}
