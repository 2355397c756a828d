import type { JobsOptions } from 'bullmq';

/** Name of the custom backoff strategies registered by the workers (see workers/backoff-strategy.ts). */
export const BACKOFF_TYPE = 'account-linker';

/** Completed jobs are kept an hour for the dashboard; the request record is the real history. */
export const KEEP_FINISHED_JOBS = { removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } };

export function revalidateJobOptions(attempts: number): JobsOptions {
  return { attempts, backoff: { type: BACKOFF_TYPE }, ...KEEP_FINISHED_JOBS };
}

/** The sweep is bookkeeping: keep only the last few runs for the dashboard. */
export const SWEEP_JOB_OPTIONS = { removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } } satisfies JobsOptions;
