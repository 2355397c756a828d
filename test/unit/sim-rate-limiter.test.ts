import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/sim/rate-limiter.js';
import { SlidingWindow } from '../../src/sim/sliding-window.js';

describe('SlidingWindow', () => {
  it('counts events in the trailing window, excluding the one exactly windowMs old', () => {
    const window = new SlidingWindow(1000);
    expect(window.add(0)).toBe(1);
    expect(window.add(500)).toBe(2);
    expect(window.count(999)).toBe(2);
    expect(window.count(1000)).toBe(1);
    expect(window.nextExpiry(1000)).toBe(1500);
    expect(window.count(1500)).toBe(0);
    expect(window.nextExpiry(1600)).toBe(1600);
  });

  it('stays correct across compaction of a long log', () => {
    const window = new SlidingWindow(1000);
    for (let t = 0; t < 10_000; t++) window.add(t / 5);
    // Events at 0.2 ms steps: the last second holds 5000 of them.
    expect(window.count(1999.8)).toBe(5000);
  });
});

describe('RateLimiter', () => {
  it('admits perSecond per credential in any sliding second', () => {
    const limiter = new RateLimiter({ perSecond: 3, concurrent: 100 });
    const run = (key: string, at: number) => {
      const decision = limiter.acquire(key, at);
      if (decision.allowed) decision.release();
      return decision.allowed;
    };
    expect([run('a', 0), run('a', 100), run('a', 900), run('a', 950)]).toEqual([true, true, true, false]);
    expect(run('b', 950)).toBe(true);
    expect(run('a', 1000)).toBe(true); // the one at 0 left the window
    expect(run('a', 1050)).toBe(false);
  });

  it('refuses past the concurrency limit until a slot is released, once per release', () => {
    const limiter = new RateLimiter({ perSecond: 100, concurrent: 2 });
    const first = limiter.acquire('k', 0);
    const second = limiter.acquire('k', 1);
    expect(first.allowed && second.allowed).toBe(true);
    expect(second.headers['X-RateLimit-Concurrent-Remaining']).toBe('0');
    const third = limiter.acquire('k', 2);
    expect(third).toMatchObject({ allowed: false, reason: 'concurrency' });
    expect(third).not.toHaveProperty('retryAfterSeconds');
    if (!first.allowed) throw new Error('unreachable');
    first.release();
    first.release(); // idempotent: must not free a second slot
    expect(limiter.acquire('k', 3).allowed).toBe(true);
    expect(limiter.acquire('k', 4)).toMatchObject({ allowed: false, reason: 'concurrency' });
  });

  it('reports headers and an optional Retry-After', () => {
    const limiter = new RateLimiter({ perSecond: 2, retryAfter: true });
    const first = limiter.acquire('k', 0);
    expect(first.headers).toEqual({
      'X-RateLimit-Limit': '2',
      'X-RateLimit-Remaining': '1',
      'X-RateLimit-Concurrent-Limit': '8',
      'X-RateLimit-Concurrent-Remaining': '7',
    });
    limiter.acquire('k', 10);
    const refused = limiter.acquire('k', 20);
    expect(refused).toMatchObject({ allowed: false, reason: 'rate', retryAfterSeconds: 1 });
    expect(refused.headers['X-RateLimit-Remaining']).toBe('0');
  });

  it('rejects invalid options', () => {
    expect(() => new RateLimiter({ perSecond: 0 })).toThrow();
  });
});
