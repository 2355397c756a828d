import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_PACING_SLACK_MS, revalidationLimiter, spacingMs, type QueueLimiter } from '../../src/domain/revalidation-pacing.js';

/**
 * BullMQ's limiter as its Lua scripts implement it (prepareJobForProcessing): the first job
 * after the window key expired opens a window of `duration` ms; the window admits `max` jobs,
 * and a worker that finds it full waits for its expiry. Jobs want to start at `wishes`.
 */
function admittedStarts(limiter: QueueLimiter, wishes: number[]): number[] {
  const starts: number[] = [];
  let opened = -Infinity;
  let used = 0;
  for (const wish of wishes) {
    let at = wish;
    if (at >= opened + limiter.duration) {
      opened = at;
      used = 0;
    } else if (used >= limiter.max) {
      at = opened + limiter.duration;
      opened = at;
      used = 0;
    }
    used++;
    starts.push(at);
  }
  return starts;
}

/** Most events in any half-open 1 s interval (t-1000, t], as the simulator counts them. */
function maxPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let tail = 0;
  for (let head = 0; head < sorted.length; head++) {
    while (sorted[tail]! <= sorted[head]! - 1000) tail++;
    max = Math.max(max, head - tail + 1);
  }
  return max;
}

describe('revalidationLimiter', () => {
  it('keeps every sliding second within the rate, however jobs line up and drift', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 3000 }),
        fc.array(fc.double({ min: 0, max: DEFAULT_PACING_SLACK_MS, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (rate, rawWishes, drifts) => {
          const limiter = revalidationLimiter(rate);
          const wishes = rawWishes.sort((a, b) => a - b);
          const arrivals = admittedStarts(limiter, wishes).map((start, i) => start + drifts[i % drifts.length]!);
          expect(maxPerSecond(arrivals)).toBeLessThanOrEqual(rate);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a naive {max: rate, duration: 1000} limiter would not: two windows back to back double the rate', () => {
    const starts = admittedStarts({ max: 10, duration: 1000 }, Array.from({ length: 40 }, () => 0));
    expect(maxPerSecond(starts.map((s, i) => (i < 10 ? s + 999 : s)))).toBeGreaterThan(10);
  });

  it.each([1, 5, 11, 12, 500, 10_000])('a backlog at rate %i/s still flows at ≥ 80 %% of it', (rate) => {
    const limiter = revalidationLimiter(rate);
    expect(1000 / spacingMs(limiter)).toBeGreaterThanOrEqual(0.8 * rate);
    expect(1000 / spacingMs(limiter)).toBeLessThanOrEqual(rate);
  });

  it('rejects a rate that is not a whole number ≥ 1', () => {
    expect(() => revalidationLimiter(0)).toThrow(/whole number/);
    expect(() => revalidationLimiter(2.5)).toThrow(/whole number/);
  });
});
