export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  baseMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
}

/**
 * Exponential backoff with full jitter (a uniformly random delay up to base·2^(n-1)): retries of
 * many tenants that failed together spread out instead of hitting the provider again in a wave.
 * `attempt` counts from 1.
 */
export function fullJitterDelay(attempt: number, { baseMs, maxMs }: BackoffOptions, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
