import type { StoredSession } from '../store/connect-session-store.js';
import type { ConnectRequest } from '../domain/schemas/connect-request.js';
import type { HubView } from '../domain/schemas/connect-session.js';
import type { HubBranding, HubSettings } from '../domain/schemas/hub-settings.js';
import { originOf } from '../domain/web-origin.js';
import { explainFailure, SESSION_MESSAGES } from './hub-messages.js';
import { hubTheme } from './hub-theme.js';

/**
 * What a session's page shows of its platform's settings. An https logo shows only when its
 * origin is one the session allows, so the page never loads anything from a third origin.
 */
export function hubBranding(settings: HubSettings, allowedOrigins: readonly string[]): HubBranding {
  const logo = settings.logo && (settings.logo.startsWith('data:') || allowedOrigins.includes(originOf(settings.logo) ?? '')) ? settings.logo : null;
  return {
    displayName: settings.displayName,
    logo,
    theme: settings.accentColor ? hubTheme(settings.accentColor) : null,
  };
}

/**
 * What the Hub page may know about its session: the state, and the outcome of the key it sent.
 * A failed request leaves the session open (the end user may try another key) while it lasts.
 */
export function hubView(session: StoredSession, request: ConnectRequest | null, settings: HubSettings, now = Date.now()): HubView {
  const retryable = request?.status === 'failed' && Date.parse(session.expiresAt) > now;
  const state = session.status === 'open' || retryable ? 'open' : 'used';
  return {
    state,
    expiresAt: session.expiresAt,
    tenantId: session.tenantId,
    embed: { allowedOrigins: session.allowedOrigins, returnUrl: session.returnUrl },
    branding: hubBranding(settings, session.allowedOrigins),
    ...(state === 'used' ? { notice: SESSION_MESSAGES.used } : {}),
    request: request
      ? {
          id: request.id,
          status: request.status,
          accountId: request.accountId,
          attempt: request.attempts.filter((a) => a.outcome !== 'rate_limited').length,
          company: request.company ? { name: request.company.name } : null,
          error: request.error ? { code: request.error.code, ...explainFailure(request.error) } : null,
        }
      : session.status === 'submitting'
        ? { id: null, status: 'queued', accountId: null, attempt: 0, company: null, error: null }
        : null,
  };
}
