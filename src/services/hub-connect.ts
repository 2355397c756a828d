import type { Runtime } from '../runtime/runtime.js';
import type { ConnectSessionStore, StoredSession } from '../store/connect-session-store.js';
import { submitConnectRequests } from './submit-connect-requests.js';

export type HubConnectOutcome = 'submitted' | 'used' | 'missing' | 'in_flight';

/**
 * Sends the key a Connect Hub session collected: the session is claimed first so one session sends
 * one key, then bound to the request it created. When the submit does not get through (its tenant
 * already has a request in flight, or it fails) the claim is released so the page can try again.
 */
export async function hubConnect(rt: Runtime, sessions: ConnectSessionStore, session: StoredSession, apiKey: string): Promise<HubConnectOutcome> {
  const { platformId, id } = session;
  const claim = await sessions.claim(platformId, id);
  if (claim !== 'claimed') return claim;
  try {
    const [submitted] = await submitConnectRequests(rt, platformId, [
      { tenantId: session.tenantId, provider: session.provider, credentials: { apiKey }, metadata: session.metadata },
    ]);
    if (submitted?.id) {
      await sessions.bind(platformId, id, submitted.id);
      return 'submitted';
    }
  } catch (error) {
    await sessions.release(platformId, id, session.requestId);
    throw error;
  }
  await sessions.release(platformId, id, session.requestId);
  return 'in_flight';
}
