import type { StoredSession } from '../store/connect-session-store.js';
import type { ConnectRequest } from '../domain/schemas/connect-request.js';
import type { HubView } from '../domain/schemas/connect-session.js';
import { explainFailure, SESSION_MESSAGES } from './hub-messages.js';

/**
 * What the Hub page may know about its session: the state, and the outcome of the key it sent.
 * A failed request leaves the session open (the end user may try another key) while it lasts.
 */
export function hubView(session: StoredSession, request: ConnectRequest | null, now = Date.now()): HubView {
  const retryable = request?.status === 'failed' && Date.parse(session.expiresAt) > now;
  const state = session.status === 'open' || retryable ? 'open' : 'used';
  return {
    state,
    expiresAt: session.expiresAt,
    ...(state === 'used' ? { notice: SESSION_MESSAGES.used } : {}),
    request: request
      ? {
          status: request.status,
          attempt: request.attempts.filter((a) => a.outcome !== 'rate_limited').length,
          company: request.company ? { name: request.company.name } : null,
          error: request.error ? { code: request.error.code, ...explainFailure(request.error) } : null,
        }
      : session.status === 'submitting'
        ? { status: 'queued', attempt: 0, company: null, error: null }
        : null,
  };
}
