import { defineRoute, type AnyRouteSpec, type RouteResult } from '../route-kit.js';
import type { Runtime } from '../../runtime/runtime.js';
import { problems } from '../errors.js';
import { authenticateSession, isExpired } from '../hub-session.js';
import { submitConnectRequests } from '../submit-connect-requests.js';
import { ConnectSessionStore, type StoredSession } from '../../store/connect-session-store.js';
import { hubConnectBodySchema, hubViewSchema } from '../../domain/schemas/connect-session.js';
import { HUB_ASSETS, HUB_HEADERS } from '../../hub/hub-assets.js';
import { hubView } from '../../hub/hub-view.js';

const asset = (which: keyof typeof HUB_ASSETS) => async (): Promise<RouteResult> => ({
  body: HUB_ASSETS[which].body,
  headers: { ...HUB_HEADERS, 'content-type': HUB_ASSETS[which].type },
});

/** The Connect Hub: the end-user page and the two calls it makes with its session token. */
export function hubRoutes(rt: Runtime): AnyRouteSpec[] {
  const sessions = new ConnectSessionStore(rt.redis, rt.env.LINKER_REDIS_PREFIX);
  const ttl = rt.env.LINKER_CONNECT_SESSION_TTL;

  const view = async (session: StoredSession): Promise<RouteResult> => {
    const request = session.requestId ? await rt.requests.get(session.platformId, session.requestId) : null;
    return { body: hubView(session, request), headers: HUB_HEADERS };
  };

  return [
    defineRoute({
      method: 'GET',
      url: '/hub',
      summary: 'The Connect Hub page, opened with ?session=<token> from POST /v1/connect-sessions',
      tag: 'connect hub',
      auth: 'none',
      page: true,
      response: { status: 200, description: 'HTML' },
      handler: asset('html'),
    }),
    defineRoute({ method: 'GET', url: '/hub/hub.css', summary: 'Connect Hub style sheet', tag: 'connect hub', auth: 'none', page: true, response: { status: 200, description: 'CSS' }, handler: asset('css') }),
    defineRoute({ method: 'GET', url: '/hub/hub.js', summary: 'Connect Hub script', tag: 'connect hub', auth: 'none', page: true, response: { status: 200, description: 'JavaScript' }, handler: asset('js') }),

    defineRoute({
      method: 'GET',
      url: '/hub/api/session',
      summary: 'The state of a connect session and of the key it sent',
      tag: 'connect hub',
      auth: 'session',
      response: { status: 200, description: 'what the page shows', schema: hubViewSchema },
      errors: [401, 410],
      handler: async ({ request }) => {
        const session = await authenticateSession(sessions, request, ttl);
        const result = await view(session);
        // Past expiry a session can still show the outcome of its key, but offers nothing new.
        if (isExpired(session) && (result.body as { state: string }).state === 'open') throw problems.sessionExpired();
        return result;
      },
    }),

    defineRoute({
      method: 'POST',
      url: '/hub/api/connect',
      summary: 'Send the API key of this session; the answer is the view to follow',
      tag: 'connect hub',
      auth: 'session',
      body: hubConnectBodySchema,
      response: { status: 202, description: 'accepted and queued', schema: hubViewSchema },
      errors: [400, 401, 409, 410],
      handler: async ({ body, request }) => {
        const session = await authenticateSession(sessions, request, ttl);
        if (isExpired(session)) throw problems.sessionExpired();
        const { platformId, id } = session;
        const claim = await sessions.claim(platformId, id);
        if (claim === 'used') throw problems.sessionUsed();
        if (claim === 'missing') throw problems.sessionExpired();
        try {
          const [submitted] = await submitConnectRequests(rt, platformId, [
            { tenantId: session.tenantId, provider: session.provider, credentials: { apiKey: body.apiKey }, metadata: session.metadata },
          ]);
          if (!submitted?.id) throw problems.hubInFlight();
          await sessions.bind(platformId, id, submitted.id);
        } catch (error) {
          await sessions.release(platformId, id, session.requestId);
          throw error;
        }
        const after = await sessions.get(platformId, id);
        return { ...(await view(after!)), status: 202 };
      },
    }),
  ];
}
