import { chunks } from './work-job.js';

/** A shared first-attempts job (validate or deliver) is named after the first record it carries. */
export const firstAttemptsJobId = (ids: string[]): string => `f-${ids[0]}`;

/**
 * Names the validate job each request of one submit goes into: runs of up to `perJob` requests share
 * a first-attempts job; a request alone in its run is its own job, named after itself like the job
 * that carries a request's retries. Deterministic, so a retried idempotent submit names the same
 * jobs and BullMQ adds none of them twice.
 */
export function validateJobIds(requestIds: string[], perJob: number): string[] {
  return chunks(requestIds, perJob).flatMap((run) => run.map(() => (run.length === 1 ? run[0]! : firstAttemptsJobId(run))));
}
