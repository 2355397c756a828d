import type { LinkError, LinkErrorCode } from './link-errors.js';
import { fullJitterDelay, type BackoffOptions } from './backoff.js';

/**
 * What to do after one provider check of a key, as a pure function (no clock, no I/O): the validate
 * worker and the revalidate worker are thin shells over it.
 *
 * The budget (LINKER_VALIDATION_DEADLINE) is spent only by the check itself: its own attempts'
 * durations and the retry and 429 waits it was told to take. Time a request spent queued, or held
 * while the provider breaker paused validation, is not part of `spentMs`, so it never fails one.
 */
export interface ValidationState {
  /** Counted attempts before this check (429 waits are not attempts). */
  counted: number;
  /** 429 waits before this check; each lengthens the next backoff. */
  rateLimitWaits: number;
  /** Budget spent before this check. */
  spentMs: number;
}

/** The check's answer as the provider client classified it (a CheckOutcome), and how long it took. */
export type ValidationOutcome = { durationMs: number } & (
  | { kind: 'success' }
  | { kind: 'final'; code: Exclude<LinkErrorCode, 'provider_unavailable' | 'canceled'>; message: string }
  | { kind: 'retryable'; message: string }
  | { kind: 'rate_limited'; retryAfterMs: number | undefined }
);

export interface ValidationSettings {
  /** Counted attempts before giving up (LINKER_VALIDATION_ATTEMPTS). */
  maxAttempts: number;
  /** LINKER_VALIDATION_DEADLINE. */
  budgetMs: number;
  /** Between counted attempts. */
  retryBackoff: BackoffOptions;
  /** Between 429s that carry no Retry-After. */
  rateLimitBackoff: BackoffOptions;
  random?: () => number;
}

/**
 * `finish`: the key's fate is known (`error` when it failed). `retry`: a counted attempt failed,
 * another comes after `delayMs`. `wait`: rate limited, the same attempt comes again after `delayMs`
 * without spending one. `spentMs` is the budget spent once this check and the wait are counted.
 */
export type ValidationDecision =
  | { kind: 'finish'; error: LinkError | null }
  | { kind: 'retry' | 'wait'; delayMs: number; resumeAt: number; spentMs: number };

/** Added to a 429 backoff without Retry-After, so a wait never ends the instant it began. */
const RATE_LIMIT_FLOOR_MS = 250;

export function next(state: ValidationState, outcome: ValidationOutcome, now: number, settings: ValidationSettings): ValidationDecision {
  const spent = state.spentMs + outcome.durationMs;
  switch (outcome.kind) {
    case 'success':
      return { kind: 'finish', error: null };
    case 'final':
      return { kind: 'finish', error: { code: outcome.code, message: outcome.message } };
    case 'retryable': {
      const n = state.counted + 1;
      if (n >= settings.maxAttempts) return unavailable(`${outcome.message}; gave up after ${n} attempts`);
      const delayMs = fullJitterDelay(n, settings.retryBackoff, settings.random);
      if (spent + delayMs > settings.budgetMs) return unavailable(`${outcome.message}; the validation budget ran out after ${n} attempts`);
      return later('retry', delayMs, now, spent);
    }
    case 'rate_limited': {
      const delayMs = outcome.retryAfterMs ?? fullJitterDelay(state.rateLimitWaits + 1, settings.rateLimitBackoff, settings.random) + RATE_LIMIT_FLOOR_MS;
      if (spent + delayMs > settings.budgetMs) return unavailable('SmartRecruiters kept rate limiting the key until the validation budget ran out');
      return later('wait', delayMs, now, spent);
    }
  }
}

const later = (kind: 'retry' | 'wait', delayMs: number, now: number, spent: number): ValidationDecision => ({ kind, delayMs, resumeAt: now + delayMs, spentMs: spent + delayMs });

const unavailable = (message: string): ValidationDecision => ({ kind: 'finish', error: { code: 'provider_unavailable', message } });
