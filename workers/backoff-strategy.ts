import type { BackoffStrategy } from 'bullmq';
import { fullJitterDelay, type BackoffOptions } from '../src/domain/backoff.js';
import { RetryLaterError } from './retry-errors.js';

/** Re-validation retries: the wait the validation policy chose (RetryLaterError), else exponential backoff with full jitter. */
export function revalidationBackoff(options: BackoffOptions): BackoffStrategy {
  return (attemptsMade, _type, err) => (err instanceof RetryLaterError && err.retryAfterMs !== undefined ? err.retryAfterMs : fullJitterDelay(attemptsMade, options));
}
