import { z } from 'zod';
import { defineRoute, type AnyRouteSpec, type RouteResult } from '../route-kit.js';
import type { Runtime } from '../../runtime/runtime.js';
import { problems } from '../errors.js';
import { authenticateSession, isExpired } from '../hub-session.js';
import { parseSessionRef } from '../connect-session-token.js';
import { hubConnect } from '../../services/hub-connect.js';
import { ConnectSessionStore, type StoredSession } from '../../store/connect-session-store.js';
import { hubConnectBodySchema, hubViewSchema } from '../../domain/schemas/connect-session.js';
import { HUB_ASSETS, SDK_HEADERS, hubHeaders } from '../../hub/hub-assets.js';
import { hubView } from '../../hub/hub-view.js';
import { HubSettingsStore } from '../../store/hub-settings-store.js';

const asset = (which: keyof typeof HUB_ASSETS, headers = hubHeaders()) => async (): Promise<RouteResult> => ({
  body: HUB_ASSETS[which].body,
  headers: { ...headers, 'content-type': HUB_ASSETS[which].type },
});

/** The page itself explains a missing or broken link to the end user; only an over-long or repeated value is a 400. */
const pageQuerySchema = z.object({ session: z.string().max(400).optional() });

/** The Connect Hub: the end-user page and the two calls it makes with its session token. */
export function hubRoutes(rt: Runtime): AnyRouteSpec[] {
  const sessions = new ConnectSessionStore(rt.redis, rt.env.LINKER_REDIS_PREFIX, { retentionMs: rt.env.LINKER_RETENTION });
  const settings = new HubSettingsStore(rt.redis, rt.env.LINKER_REDIS_PREFIX);
  const ttl = rt.env.LINKER_CONNECT_SESSION_TTL;

  const view = async (session: StoredSession): Promise<RouteResult> => {
    const [request, hubSettings] = await Promise.all([
      session.requestId ? rt.requests.get(session.platformId, session.requestId) : null,
      settings.get(session.platformId),
    ]);
    return { body: hubView(session, request, hubSettings), headers: hubHeaders() };
  };

  /** The page's own headers follow its session: only the origins it allows may frame it. */
  const page = async (query: z.infer<typeof pageQuerySchema>): Promise<RouteResult> => {
    const ref = query.session ? parseSessionRef(query.session) : null;
    const session = ref ? await sessions.get(ref.platformId, ref.id) : null;
    return asset('html', hubHeaders(session?.allowedOrigins))();
  };

  return [
    defineRoute({
      method: 'GET',
      url: '/hub',
      summary: 'The Connect Hub page, opened with ?session=<token> from POST /v1/connect-sessions',
      tag: 'connect hub',
      auth: 'none',
      page: true,
      query: pageQuerySchema,
      response: { status: 200, description: 'HTML; framed only by the session\'s allowedOrigins' },
      handler: async ({ query }) => page(query),
    }),
    defineRoute({ method: 'GET', url: '/hub/hub.css', summary: 'Connect Hub style sheet', tag: 'connect hub', auth: 'none', page: true, response: { status: 200, description: 'CSS' }, handler: asset('css') }),
    defineRoute({ method: 'GET', url: '/hub/hub.js', summary: 'Connect Hub script', tag: 'connect hub', auth: 'none', page: true, response: { status: 200, description: 'JavaScript' }, handler: asset('js') }),
    defineRoute({
      method: 'GET',
      url: '/hub/sdk.js',
      summary: 'The browser SDK (ES module): openHub({url, mode, onSuccess, onError, onCancel, onClose}); also the package entry account-linker/hub',
      tag: 'connect hub',
      auth: 'none',
      page: true,
      response: { status: 200, description: 'JavaScript module, loadable from any origin' },
      handler: asset('sdk', SDK_HEADERS),
    }),

    defineRoute({
      method: 'GET',
      url: '/hub/api/session',
      summary: 'The state of a connect session and of the key it sent',
      tag: 'connect hub',
      auth: 'session',
      response: { status: 200, description: 'what the page shows', schema: hubViewSchema },
      errors: [410],
      handler: async ({ request }) => {
        const session = await authenticateSession(sessions, request, ttl);
        const result = await view(session);
        // Past expiry a session can still show the outcome of its key, but offers nothing new.
        // The origins ride along so an embedded page can still tell its app the link expired.
        if (isExpired(session) && (result.body as { state: string }).state === 'open') throw problems.sessionExpired({ allowedOrigins: session.allowedOrigins });
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
        const outcome = await hubConnect(rt, sessions, session, body.apiKey);
        if (outcome === 'used') throw problems.sessionUsed();
        if (outcome === 'missing') throw problems.sessionExpired();
        if (outcome === 'in_flight') throw problems.hubInFlight();
        const after = await sessions.get(session.platformId, session.id);
        return { ...(await view(after!)), status: 202 };
      },
    }),
  ];
}
