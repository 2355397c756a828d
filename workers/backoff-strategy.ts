import type { BackoffStrategy } from 'bullmq';
import { fullJitterDelay, type BackoffOptions } from '../src/domain/backoff.js';

/** Attempts a job's message or request had before the job (`attemptsBefore` in its data). */
const attemptsBefore = (job: { data?: unknown } | undefined) => (job?.data as { attemptsBefore?: number } | undefined)?.attemptsBefore ?? 0;

/** Validation retries: exponential backoff with full jitter, continuing from the attempts before the job. */
export function validationBackoff(options: BackoffOptions): BackoffStrategy {
  return (attemptsMade, _type, _err, job) => fullJitterDelay(attemptsBefore(job) + attemptsMade, options);
}
