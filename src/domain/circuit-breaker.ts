/**
 * A circuit breaker for calls to one provider, as a pure state machine (no clock, no I/O).
 *
 * closed ──(threshold consecutive "unavailable" outcomes from ≥ minTenants tenants within windowMs)──▶ open
 * open ──(cooldownMs passed)──▶ half_open: one probe call is let through at a time
 * half_open ──probe healthy──▶ closed;  ──probe unavailable──▶ open again
 *
 * Requiring several tenants keeps one tenant's broken key (always 503) from pausing everyone.
 */
export interface BreakerOptions {
  /** Consecutive provider-unavailable outcomes that open the breaker; 0 disables it. */
  threshold: number;
  /** The run of failures must come from at least this many different tenants. */
  minTenants: number;
  /** The run of failures must fit in this window (older ones are forgotten). */
  windowMs: number;
  /** How long the breaker stays open before it lets a probe through. */
  cooldownMs: number;
}

/** `healthy`: the provider answered (any 2xx/4xx); `unavailable`: 5xx, timeout, network; `neutral`: says nothing (429). */
export type ProviderHealth = 'healthy' | 'unavailable' | 'neutral';

export type BreakerState =
  | { kind: 'closed'; failures: { tenant: string; at: number }[] }
  | { kind: 'open'; until: number }
  /** `probeUntil`: a probe is in flight until then; after it another may go (the first one was lost). */
  | { kind: 'half_open'; probeUntil: number };

export const closedBreaker = (): BreakerState => ({ kind: 'closed', failures: [] });

/** Whether a call may go to the provider now; if not, how long to hold calls back. */
export function admitCall(state: BreakerState, now: number, options: BreakerOptions): { state: BreakerState; admitted: boolean; waitMs: number } {
  if (state.kind === 'closed') return { state, admitted: true, waitMs: 0 };
  if (state.kind === 'open' && now < state.until) return { state, admitted: false, waitMs: state.until - now };
  if (state.kind === 'half_open' && now < state.probeUntil) {
    return { state, admitted: false, waitMs: Math.min(state.probeUntil - now, probeRecheckMs(options)) };
  }
  return { state: { kind: 'half_open', probeUntil: now + options.cooldownMs }, admitted: true, waitMs: 0 };
}

/**
 * Records the outcome of an admitted call. `counts` is false when the breaker is (now) open: the
 * outcome says the provider is down, not that this tenant's key is bad, so it must not spend one
 * of the tenant's attempts.
 */
export function recordCall(
  state: BreakerState,
  health: ProviderHealth,
  tenant: string,
  now: number,
  options: BreakerOptions,
): { state: BreakerState; tripped: boolean; counts: boolean } {
  if (options.threshold <= 0 || health === 'neutral') return { state, tripped: false, counts: true };
  if (health === 'healthy') return { state: closedBreaker(), tripped: false, counts: true };

  if (state.kind === 'open') return { state, tripped: false, counts: false };
  if (state.kind === 'half_open') return { state: { kind: 'open', until: now + options.cooldownMs }, tripped: true, counts: false };

  const failures = [...state.failures.filter((f) => now - f.at <= options.windowMs), { tenant, at: now }];
  const tenants = new Set(failures.map((f) => f.tenant)).size;
  if (failures.length >= options.threshold && tenants >= Math.min(options.minTenants, options.threshold)) {
    return { state: { kind: 'open', until: now + options.cooldownMs }, tripped: true, counts: false };
  }
  return { state: { kind: 'closed', failures: failures.slice(-options.threshold) }, tripped: false, counts: true };
}

/** While a probe is out, other calls look again this often rather than sleeping a whole cool-down. */
function probeRecheckMs(options: BreakerOptions): number {
  return Math.max(50, Math.min(1000, Math.round(options.cooldownMs / 4)));
}
