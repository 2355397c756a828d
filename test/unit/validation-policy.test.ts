import { describe, expect, it } from 'vitest';
import { next, type ValidationSettings, type ValidationState } from '../../src/domain/validation-policy.js';

const settings: ValidationSettings = {
  maxAttempts: 3,
  budgetMs: 10_000,
  retryBackoff: { baseMs: 1000, maxMs: 8000 },
  rateLimitBackoff: { baseMs: 400, maxMs: 4000 },
  random: () => 0.5,
};
const fresh: ValidationState = { counted: 0, rateLimitWaits: 0, spentMs: 0 };
const NOW = 1_000_000;

describe('validation policy', () => {
  it('a success finishes without error', () => {
    expect(next(fresh, { kind: 'success', durationMs: 20 }, NOW, settings)).toEqual({ kind: 'finish', error: null });
  });

  it('a final answer finishes with its code', () => {
    expect(next(fresh, { kind: 'final', code: 'invalid_credentials', message: 'no', durationMs: 20 }, NOW, settings)).toEqual({
      kind: 'finish',
      error: { code: 'invalid_credentials', message: 'no' },
    });
  });

  it('a retryable answer retries after the backoff of its attempt and spends the attempt and the wait', () => {
    // Attempt 1 of 3: full jitter up to 1000 ms, at random 0.5.
    expect(next(fresh, { kind: 'retryable', message: '503', durationMs: 20 }, NOW, settings)).toEqual({ kind: 'retry', delayMs: 500, resumeAt: NOW + 500, spentMs: 520 });
    expect(next({ ...fresh, counted: 1, spentMs: 520 }, { kind: 'retryable', message: '503', durationMs: 20 }, NOW, settings)).toMatchObject({ kind: 'retry', delayMs: 1000, spentMs: 1540 });
  });

  it('the last counted attempt gives up provider_unavailable', () => {
    expect(next({ ...fresh, counted: 2 }, { kind: 'retryable', message: 'SmartRecruiters answered 503', durationMs: 20 }, NOW, settings)).toEqual({
      kind: 'finish',
      error: { code: 'provider_unavailable', message: 'SmartRecruiters answered 503; gave up after 3 attempts' },
    });
  });

  it('a retry that would overrun the budget gives up provider_unavailable', () => {
    expect(next({ ...fresh, counted: 1, spentMs: 9200 }, { kind: 'retryable', message: 'timeout', durationMs: 20 }, NOW, settings)).toEqual({
      kind: 'finish',
      error: { code: 'provider_unavailable', message: 'timeout; the validation budget ran out after 2 attempts' },
    });
  });

  it('a 429 waits its Retry-After without spending an attempt', () => {
    expect(next({ counted: 2, rateLimitWaits: 0, spentMs: 100 }, { kind: 'rate_limited', retryAfterMs: 2000, durationMs: 5 }, NOW, settings)).toEqual({
      kind: 'wait',
      delayMs: 2000,
      resumeAt: NOW + 2000,
      spentMs: 2105,
    });
  });

  it('a 429 without Retry-After backs off by its count of waits, never less than the floor', () => {
    // Third wait: jitter up to 400·2² = 1600 ms, at 0.5 → 800, plus the 250 ms floor.
    expect(next({ ...fresh, rateLimitWaits: 2 }, { kind: 'rate_limited', retryAfterMs: undefined, durationMs: 5 }, NOW, settings)).toMatchObject({ kind: 'wait', delayMs: 1050 });
  });

  it('a 429 whose wait would overrun the budget gives up provider_unavailable', () => {
    expect(next({ ...fresh, spentMs: 9000 }, { kind: 'rate_limited', retryAfterMs: 2000, durationMs: 5 }, NOW, settings)).toEqual({
      kind: 'finish',
      error: { code: 'provider_unavailable', message: 'SmartRecruiters kept rate limiting the key until the validation budget ran out' },
    });
  });
});
