import type { AccountEvent, EventType } from '../domain/events.js';
import type { ConnectRequest } from '../domain/schemas/connect-request.js';
import type { Account } from '../domain/schemas/account.js';

/** The result event of a finished connect request, built only from stored fields so a retry rebuilds it identically. */
export function requestResultEvent(request: ConnectRequest): AccountEvent {
  const linked = request.status === 'linked';
  return {
    type: linked ? 'account.linked' : 'account.link_failed',
    timestamp: request.completedAt ?? request.updatedAt,
    data: {
      connectRequestId: request.id,
      batchId: request.batchId,
      accountId: request.accountId,
      tenantId: request.tenantId,
      provider: request.provider,
      status: request.status,
      error: request.error,
      company: request.company,
      metadata: request.metadata,
      operation: linked ? request.operation : null,
    },
  };
}

/** An account lifecycle event (invalidated, unlinked). */
export function accountEvent(type: Extract<EventType, 'account.invalidated' | 'account.unlinked'>, account: Account, at: string, error: { code: string; message: string } | null = null): AccountEvent {
  return {
    type,
    timestamp: at,
    data: {
      connectRequestId: null,
      batchId: null,
      accountId: account.id,
      tenantId: account.tenantId,
      provider: account.provider,
      status: account.status,
      error,
      company: account.company,
      metadata: null,
      operation: null,
    },
  };
}
