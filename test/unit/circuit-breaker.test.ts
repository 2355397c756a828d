import { describe, expect, it } from 'vitest';
import { admitCall, closedBreaker, recordCall, type BreakerOptions, type BreakerState, type ProviderHealth } from '../../src/domain/circuit-breaker.js';

const options: BreakerOptions = { threshold: 4, minTenants: 3, windowMs: 10_000, cooldownMs: 5_000 };

function run(events: Array<[ProviderHealth, string, number]>, start: BreakerState = closedBreaker()) {
  let state = start;
  const out: { tripped: boolean; counts: boolean }[] = [];
  for (const [health, tenant, at] of events) {
    const r = recordCall(state, health, tenant, at, options);
    state = r.state;
    out.push({ tripped: r.tripped, counts: r.counts });
  }
  return { state, out };
}

describe('circuit breaker state machine', () => {
  it('opens on the threshold-th consecutive failure across tenants; that outcome does not count', () => {
    const { state, out } = run([['unavailable', 'a', 0], ['unavailable', 'b', 1], ['unavailable', 'c', 2], ['unavailable', 'a', 3]]);
    expect(state).toEqual({ kind: 'open', until: 3 + options.cooldownMs });
    expect(out.map((o) => o.counts)).toEqual([true, true, true, false]);
    expect(out.at(-1)!.tripped).toBe(true);
  });

  it('one tenant failing alone never opens it (its own key may be broken)', () => {
    const { state, out } = run(Array.from({ length: 20 }, (_, i) => ['unavailable', 'only', i] as [ProviderHealth, string, number]));
    expect(state.kind).toBe('closed');
    expect(out.every((o) => o.counts && !o.tripped)).toBe(true);
  });

  it('a healthy answer (2xx or 4xx) resets the run; a 429 says nothing', () => {
    expect(run([['unavailable', 'a', 0], ['unavailable', 'b', 1], ['healthy', 'x', 2], ['unavailable', 'c', 3], ['unavailable', 'a', 4]]).state.kind).toBe('closed');
    expect(run([['unavailable', 'a', 0], ['unavailable', 'b', 1], ['neutral', 'x', 2], ['unavailable', 'c', 3], ['unavailable', 'a', 4]]).state.kind).toBe('open');
  });

  it('failures older than the window are forgotten', () => {
    expect(run([['unavailable', 'a', 0], ['unavailable', 'b', 1], ['unavailable', 'c', 20_000], ['unavailable', 'a', 20_001]]).state.kind).toBe('closed');
  });

  it('holds calls while open, lets one probe through after the cool-down, closes on its success', () => {
    const open: BreakerState = { kind: 'open', until: 5_000 };
    expect(admitCall(open, 1_000, options)).toMatchObject({ admitted: false, waitMs: 4_000 });
    const probe = admitCall(open, 5_000, options);
    expect(probe).toMatchObject({ admitted: true, state: { kind: 'half_open' } });
    const other = admitCall(probe.state, 5_001, options);
    expect(other.admitted).toBe(false);
    expect(other.waitMs).toBeGreaterThan(0);
    expect(recordCall(probe.state, 'healthy', 'a', 5_100, options).state).toEqual(closedBreaker());
  });

  it('a failed probe opens it again without counting; a lost probe is replaced after a cool-down', () => {
    const halfOpen: BreakerState = { kind: 'half_open', probeUntil: 10_000 };
    expect(recordCall(halfOpen, 'unavailable', 'a', 6_000, options)).toEqual({ state: { kind: 'open', until: 11_000 }, tripped: true, counts: false });
    expect(admitCall(halfOpen, 10_000, options).admitted).toBe(true);
  });

  it('late failures of calls already in flight when it opened do not count either', () => {
    expect(recordCall({ kind: 'open', until: 9_000 }, 'unavailable', 'z', 100, options)).toMatchObject({ counts: false, tripped: false });
  });

  it('threshold 0 turns it off', () => {
    const off = { ...options, threshold: 0 };
    let state = closedBreaker();
    for (let i = 0; i < 50; i++) state = recordCall(state, 'unavailable', `t${i}`, i, off).state;
    expect(admitCall(state, 100, off).admitted).toBe(true);
  });
});
