import type { JobsOptions } from 'bullmq';

/** Name of the custom backoff strategies registered by the workers (see workers/backoff-strategy.ts). */
export const BACKOFF_TYPE = 'account-linker';

/** Completed jobs are kept an hour for the dashboard; the request record is the real history. */
const keep = { removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } };

export function validateJobOptions(attempts: number): JobsOptions {
  return { attempts, backoff: { type: BACKOFF_TYPE }, ...keep };
}

/**
 * A shared first-attempts validate job only fails when Redis or the process did (every answer is
 * settled per request), so a couple of re-runs cover that; what something already tried is skipped.
 */
export const firstAttemptsJobOptions = validateJobOptions(3);

/** The sweep is bookkeeping: keep only the last few runs for the dashboard. */
export const SWEEP_JOB_OPTIONS = { removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } } satisfies JobsOptions;
