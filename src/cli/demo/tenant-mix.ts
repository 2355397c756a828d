import { simKey } from '../../sim/key-convention.js';
import type { LinkErrorCode } from '../../domain/link-errors.js';

/** What the simulator does with a key of this kind, and what account-linker must make of it. */
export interface KeyKind {
  /** Key prefix from the simulator's naming convention (src/sim/key-convention.ts). */
  prefix: string;
  label: string;
  status: 'linked' | 'failed';
  errorCode: LinkErrorCode | null;
  /** Calls to GET /configuration/company one validation needs. */
  providerCalls: number;
}

export const KEY_KINDS = {
  valid: { prefix: 'valid', label: 'valid key', status: 'linked', errorCode: null, providerCalls: 1 },
  flaky: { prefix: 'flaky1', label: 'flaky (one 503, then OK)', status: 'linked', errorCode: null, providerCalls: 2 },
  invalid: { prefix: 'invalid', label: 'wrong key (401)', status: 'failed', errorCode: 'invalid_credentials', providerCalls: 1 },
  forbidden: { prefix: 'forbidden', label: 'no access group (403)', status: 'failed', errorCode: 'insufficient_permissions', providerCalls: 1 },
  nofeature: { prefix: 'nofeature', label: 'no API feature (403)', status: 'failed', errorCode: 'insufficient_permissions', providerCalls: 1 },
} as const satisfies Record<string, KeyKind>;

export type KeyKindName = keyof typeof KEY_KINDS;

export interface PlannedTenant {
  tenantId: string;
  apiKey: string;
  kind: KeyKind;
}

/** Out of every ten tenants: six valid, one each of the others. */
export const DEFAULT_WEIGHTS: Record<KeyKindName, number> = { valid: 6, flaky: 1, invalid: 1, forbidden: 1, nofeature: 1 };

/**
 * `count` tenants whose keys follow `weights` in a fixed round, each key distinct (so each has its
 * own rate-limit bucket at the provider) and deterministic in `runId`.
 */
export function tenantMix(count: number, runId: string, weights: Partial<Record<KeyKindName, number>> = DEFAULT_WEIGHTS): PlannedTenant[] {
  const round = (Object.entries(weights) as [KeyKindName, number][]).flatMap(([name, n]) => Array.from({ length: n }, () => KEY_KINDS[name]));
  if (round.length === 0) throw new Error('tenantMix needs at least one key kind with a positive weight');
  return Array.from({ length: count }, (_, i) => {
    const kind = round[i % round.length]!;
    return { tenantId: `${runId}-tenant-${String(i).padStart(5, '0')}`, apiKey: simKey(kind.prefix, `${runId}-${i}`), kind };
  });
}

/** How many tenants of the mix should end in each outcome, keyed `linked` or `failed:<code>`. */
export function expectedOutcomes(tenants: PlannedTenant[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { kind } of tenants) {
    const key = kind.errorCode ? `failed:${kind.errorCode}` : kind.status;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
