import type { BackoffStrategy } from 'bullmq';
import { fullJitterDelay, type BackoffOptions } from '../src/domain/backoff.js';
import { RetryLaterError } from './retry-errors.js';

/** Attempts a deliver job's message had before the job (`attemptsBefore` in its data). */
const attemptsBefore = (job: { data?: unknown } | undefined) => (job?.data as { attemptsBefore?: number } | undefined)?.attemptsBefore ?? 0;

/** Re-validation retries: the wait the validation policy chose (RetryLaterError), else exponential backoff with full jitter. */
export function revalidationBackoff(options: BackoffOptions): BackoffStrategy {
  return (attemptsMade, _type, err) => (err instanceof RetryLaterError && err.retryAfterMs !== undefined ? err.retryAfterMs : fullJitterDelay(attemptsMade, options));
}

/** Longest wait a receiver's Retry-After may impose before we retry anyway. */
const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

/**
 * Webhook retries follow the configured schedule with ±10 % jitter (so a receiver that comes back is
 * not hit by every message at once), unless the receiver said when to come back. `attemptsMade`
 * counts every attempt of the message so far.
 */
export function webhookRetryDelay(schedule: number[], attemptsMade: number, retryAfterMs?: number, random = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  const delay = schedule[Math.min(attemptsMade, schedule.length) - 1] ?? 0;
  return Math.round(delay * (0.9 + random() * 0.2));
}

/** The same for a deliver job, whose attempts continue those its message had before it (`attemptsBefore`). */
export function webhookBackoff(schedule: number[], random = Math.random): BackoffStrategy {
  return (attemptsMade, _type, err, job) => {
    const retryAfterMs = err instanceof RetryLaterError ? err.retryAfterMs : undefined;
    return webhookRetryDelay(schedule, attemptsBefore(job) + attemptsMade, retryAfterMs, random);
  };
}
