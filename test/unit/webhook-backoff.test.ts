import { describe, expect, it } from 'vitest';
import { webhookBackoff, webhookRetryDelay } from '../../workers/backoff-strategy.js';
import { RetryLaterError } from '../../workers/retry-errors.js';
import { DEFAULT_WEBHOOK_SCHEDULE, loadEnv } from '../../src/config/env.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('webhookBackoff', () => {
  const schedule = loadEnv({}).LINKER_WEBHOOK_RETRY_SCHEDULE;
  const plain = new Error('receiver answered 500');

  it('defaults to DESIGN §5: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the immediate first attempt', () => {
    expect(DEFAULT_WEBHOOK_SCHEDULE).toBe('5s,5m,30m,2h,5h,10h,10h');
    expect(schedule).toEqual([5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H]);
    const exact = webhookBackoff(schedule, () => 0.5);
    expect(schedule.map((_, i) => exact(i + 1, 'account-linker', plain))).toEqual(schedule);
  });

  it('jitters each delay by at most ±10 %', () => {
    const low = webhookBackoff([1000, 2000], () => 0);
    const high = webhookBackoff([1000, 2000], () => 0.999999);
    expect([low(1, '', plain), high(1, '', plain)]).toEqual([900, 1100]);
    expect([low(2, '', plain), high(2, '', plain)]).toEqual([1800, 2200]);
    const seen = new Set(Array.from({ length: 50 }, () => webhookBackoff([10_000])(1, '', plain)));
    expect(seen.size).toBeGreaterThan(10);
  });

  it('continues the schedule in a message\'s own job after the attempt its shared first-attempts job made', () => {
    const exact = webhookBackoff(schedule, () => 0.5);
    const job = { data: { platformId: 'p', messageId: 'm', attemptsBefore: 1 } } as unknown as Parameters<typeof exact>[3];
    // The own job's first failure is the message's second attempt: the wait is the schedule's second step.
    expect(exact(1, 'account-linker', plain, job)).toBe(5 * M);
    expect(exact(2, 'account-linker', plain, job)).toBe(30 * M);
    expect(webhookRetryDelay(schedule, 1, undefined, () => 0.5)).toBe(5 * S);
  });

  it('takes the receiver\'s Retry-After instead, up to 24 h', () => {
    const backoff = webhookBackoff([50]);
    expect(backoff(1, '', new RetryLaterError('429', 3000))).toBe(3000);
    expect(backoff(1, '', new RetryLaterError('503', 90 * 24 * H))).toBe(24 * H);
    expect(backoff(1, '', new RetryLaterError('500'))).toBeLessThanOrEqual(55);
  });
});
