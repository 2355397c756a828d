import { describe, expect, it } from 'vitest';
import { next, scheduledRetryAt, MAX_RETRY_AFTER_MS, type DeliveryOutcome } from '../../src/domain/delivery-policy.js';
import { DEFAULT_WEBHOOK_SCHEDULE, loadEnv } from '../../src/config/env.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const NOW = 1_700_000_000_000;
const schedule = loadEnv({}).LINKER_WEBHOOK_RETRY_SCHEDULE;
const exact = { schedule, attemptTimeoutMs: 15 * S, random: () => 0.5 };
const answered = (httpStatus: number, retryAfterMs?: number): DeliveryOutcome => ({ kind: 'answered', httpStatus, retryAfterMs });
const at = (attemptInRun: number, outcome: DeliveryOutcome, settings = exact) => next({ attemptInRun }, outcome, NOW, settings);

describe('delivery policy', () => {
  it('any 2xx finishes the message as delivered, on any attempt', () => {
    for (const status of [200, 202, 204, 299]) expect(at(1, answered(status))).toEqual({ kind: 'finish', status: 'delivered', disableEndpoint: false });
    expect(at(schedule.length + 1, answered(200))).toEqual({ kind: 'finish', status: 'delivered', disableEndpoint: false });
  });

  it('410 Gone fails the message at once and disables the endpoint', () => {
    expect(at(1, answered(410))).toEqual({ kind: 'finish', status: 'failed', disableEndpoint: true });
  });

  it('an endpoint deleted or disabled before the attempt fails the message without retries', () => {
    expect(at(1, { kind: 'endpoint_gone' })).toEqual({ kind: 'finish', status: 'failed', disableEndpoint: false });
  });

  it('3xx, 4xx, 5xx and no answer are retried on the default schedule (DESIGN §5: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h)', () => {
    expect(DEFAULT_WEBHOOK_SCHEDULE).toBe('5s,5m,30m,2h,5h,10h,10h');
    const waits = schedule.map((_, i) => at(i + 1, answered(500)));
    expect(waits).toEqual([5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H].map((wait) => ({ kind: 'retry', at: NOW + wait })));
    for (const outcome of [answered(301), answered(400), answered(401), answered(503), { kind: 'no_answer' } as const]) {
      expect(at(2, outcome)).toEqual({ kind: 'retry', at: NOW + 5 * M });
    }
  });

  it('jitters each wait by at most ±10 %', () => {
    const low = { ...exact, schedule: [1000, 2000], random: () => 0 };
    const high = { ...exact, schedule: [1000, 2000], random: () => 0.999999 };
    expect([at(1, answered(500), low), at(1, answered(500), high)]).toEqual([{ kind: 'retry', at: NOW + 900 }, { kind: 'retry', at: NOW + 1100 }]);
    expect([at(2, answered(500), low), at(2, answered(500), high)]).toEqual([{ kind: 'retry', at: NOW + 1800 }, { kind: 'retry', at: NOW + 2200 }]);
  });

  it.each([429, 503])('honours Retry-After on %i instead of the schedule, up to 24 h', (status) => {
    expect(at(1, answered(status, 3000))).toEqual({ kind: 'retry', at: NOW + 3000 });
    expect(at(1, answered(status, 90 * 24 * H))).toEqual({ kind: 'retry', at: NOW + MAX_RETRY_AFTER_MS });
    expect(at(1, answered(500, 3000))).toEqual({ kind: 'retry', at: NOW + 5 * S });
  });

  it('an exhausted schedule fails the message (unconfirmed), Retry-After or not', () => {
    expect(at(schedule.length + 1, answered(500))).toEqual({ kind: 'finish', status: 'failed', disableEndpoint: false });
    expect(at(schedule.length + 1, answered(429, 1000))).toEqual({ kind: 'finish', status: 'failed', disableEndpoint: false });
    expect(at(1, { kind: 'no_answer' }, { ...exact, schedule: [] })).toEqual({ kind: 'finish', status: 'failed', disableEndpoint: false });
  });

  it('a busy endpoint makes the message wait half to one attempt timeout, without spending an attempt', () => {
    const low = at(3, { kind: 'endpoint_busy' }, { ...exact, random: () => 0 });
    const high = at(3, { kind: 'endpoint_busy' }, { ...exact, random: () => 0.999999 });
    expect([low, high]).toEqual([{ kind: 'wait', at: NOW + 7500 }, { kind: 'wait', at: NOW + 15 * S }]);
    expect(at(schedule.length + 1, { kind: 'endpoint_busy' }).kind).toBe('wait');
  });
});

describe('scheduledRetryAt', () => {
  it('is the schedule step after the run’s last attempt, and now when the run made none yet', () => {
    expect(scheduledRetryAt(0, NOW, exact)).toBe(NOW);
    expect(scheduledRetryAt(2, NOW, exact)).toBe(NOW + 5 * M);
    expect(scheduledRetryAt(schedule.length + 3, NOW, exact)).toBe(NOW + 10 * H);
  });
});
