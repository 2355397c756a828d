import type { AccountEvent } from '../domain/events.js';
import type { ConnectRequest } from '../domain/schemas/connect-request.js';
import type { Account } from '../domain/schemas/account.js';

/**
 * The result event of a finished connect request, built only from stored fields so a retry
 * rebuilds it identically. A linked request always has its account and company (the final
 * transition stores them together), a failed one its error.
 */
export function requestResultEvent(request: ConnectRequest): AccountEvent {
  const timestamp = request.completedAt ?? request.updatedAt;
  // Each field written out rather than `{ ...common, status, … }`: see docs/performance.md#object-spreads.
  const { id: connectRequestId, batchId, tenantId, provider, metadata, accountId, company } = request;
  if (request.status === 'linked') {
    return {
      type: 'account.linked',
      timestamp,
      data: { connectRequestId, batchId, tenantId, provider, metadata, accountId: accountId!, company: company!, status: 'linked', error: null, operation: request.operation! },
    };
  }
  return {
    type: 'account.link_failed',
    timestamp,
    data: { connectRequestId, batchId, tenantId, provider, metadata, accountId, company, status: 'failed', error: request.error!, operation: null },
  };
}

/** An account lifecycle event (invalidated, unlinked), from the stored account. */
export function accountEvent(type: 'account.invalidated' | 'account.unlinked', account: Account, at: string): AccountEvent {
  const common = { connectRequestId: null, batchId: null, accountId: account.id, tenantId: account.tenantId, provider: account.provider, company: account.company, metadata: null, operation: null };
  if (type === 'account.invalidated') return { type, timestamp: at, data: Object.assign(common, { status: 'invalid' as const, error: account.error! }) };
  return { type, timestamp: at, data: Object.assign(common, { status: 'revoked' as const, error: account.error }) };
}
