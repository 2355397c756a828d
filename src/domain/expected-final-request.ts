import type { ConnectRequest } from './schemas/connect-request.js';
import type { LinkError } from './link-errors.js';

export interface FinalOutcome {
  to: 'linked' | 'failed';
  error?: LinkError;
  /** For `linked`: the company the key belongs to and the id a new account would get. */
  link?: { accountId: string; company: { identifier: string; name: string } };
}

/**
 * The request as the final transition will leave it, given the tenant's current account (linking
 * again updates that account; the first link creates one). The validate worker builds the result
 * event from this before the transition, so the transition can record the event in the same step;
 * the transition checks the account part and records nothing if it came out differently.
 */
export function expectedFinalRequest(request: ConnectRequest, outcome: FinalOutcome, tenantAccountId: string | null, at: Date): ConnectRequest {
  const now = at.toISOString();
  const base = { ...request, status: outcome.to, updatedAt: now, completedAt: now };
  if (outcome.to === 'failed') return { ...base, error: outcome.error ?? null };
  return {
    ...base,
    accountId: tenantAccountId ?? outcome.link?.accountId ?? null,
    operation: tenantAccountId ? 'updated' : 'created',
    company: outcome.link?.company ?? null,
  };
}
