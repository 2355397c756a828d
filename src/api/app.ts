import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime/runtime.js';
import { createBaseApp } from './base-app.js';
import { authenticateAdmin, authenticatePlatform } from './auth.js';
import { registerRoutes, type AnyRouteSpec, type AuthKind } from './route-kit.js';
import { connectRequestRoutes } from './routes/connect-requests.js';
import { batchRoutes } from './routes/batches.js';
import { accountRoutes } from './routes/accounts.js';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.js';
import { webhookMessageRoutes } from './routes/webhook-messages.js';
import { healthRoutes } from './routes/health.js';
import { connectSessionRoutes } from './routes/connect-sessions.js';
import { hubRoutes } from './routes/hub.js';
import { registerRateLimit } from './rate-limit.js';
import { hubSettingsRoutes } from './routes/hub-settings.js';
import { registerDocs } from './docs.js';
import { registerAdminQueues } from './admin-queues.js';
import { AdminSessionStore } from '../store/admin-session-store.js';
import { registerSignInThrottle, SignInThrottle } from './sign-in-throttle.js';
import { queueDepths } from '../observability/queue-depths.js';

/** How long a browser stays signed in to the queues dashboard. */
const ADMIN_SESSION_TTL_MS = 8 * 60 * 60 * 1000;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthKind;
  }
}

/** Every route of the API, in the order the docs list them. */
export function apiRoutes(rt: Runtime): AnyRouteSpec[] {
  return [
    ...connectRequestRoutes(rt),
    ...batchRoutes(rt),
    ...accountRoutes(rt),
    ...webhookEndpointRoutes(rt),
    ...webhookMessageRoutes(rt),
    ...healthRoutes(rt),
    ...connectSessionRoutes(rt),
    ...hubSettingsRoutes(rt),
    ...hubRoutes(rt),
  ];
}

/** Builds the Fastify app; the caller listens. */
export async function buildApp(rt: Runtime): Promise<FastifyInstance> {
  const app = createBaseApp(rt);
  rt.metrics.exportQueueDepths(() => queueDepths(rt.producers));
  app.decorateRequest('platformId', '');
  const admin = { token: rt.env.LINKER_ADMIN_TOKEN, sessions: new AdminSessionStore(rt.redis, rt.env.LINKER_REDIS_PREFIX, ADMIN_SESSION_TTL_MS) };

  registerSignInThrottle(
    app,
    new SignInThrottle(rt.redis, rt.env.LINKER_REDIS_PREFIX, { failures: rt.env.LINKER_SIGN_IN_FAILURES, windowMs: rt.env.LINKER_SIGN_IN_WINDOW }),
  );
  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth;
    if (auth === 'platform') await authenticatePlatform(request, rt.platforms);
    else if (auth === 'admin') await authenticateAdmin(request, admin);
  });

  // Unmatched paths share one label: a scanner's URLs must not grow the series without bound.
  app.addHook('onResponse', async (request, reply) => {
    rt.metrics.httpRequest(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
  });

  await registerRateLimit(app, rt);

  const routes = apiRoutes(rt);
  await registerDocs(app, rt, routes);
  await registerAdminQueues(app, rt, admin);
  registerRoutes(app, routes);
  return app;
}
