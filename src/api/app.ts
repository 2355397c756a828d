import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Runtime } from '../runtime/runtime.js';
import { problems } from './errors.js';
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
import { globalKey } from '../store/keys.js';
import { registerDocs } from './docs.js';
import { registerAdminQueues } from './admin-queues.js';
import { AdminSessionStore } from '../store/admin-session-store.js';

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
    ...hubRoutes(rt),
  ];
}

/** Builds the Fastify app; the caller listens. */
export async function buildApp(rt: Runtime): Promise<FastifyInstance> {
  const app = createBaseApp(rt);
  app.decorateRequest('platformId', '');
  const admin = { token: rt.env.LINKER_ADMIN_TOKEN, sessions: new AdminSessionStore(rt.redis, rt.env.LINKER_REDIS_PREFIX, ADMIN_SESSION_TTL_MS) };

  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth;
    if (auth === 'platform') await authenticatePlatform(request, rt.platforms);
    else if (auth === 'admin') await authenticateAdmin(request, admin);
  });

  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: rt.env.LINKER_RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    redis: rt.redis,
    nameSpace: globalKey(rt.env.LINKER_REDIS_PREFIX, 'rate-limit:'),
    keyGenerator: (request) => (request.platformId ? `p:${request.platformId}` : `ip:${request.ip}`),
    allowList: (request) => request.routeOptions.config.auth !== 'platform',
    errorResponseBuilder: (_request, context) => problems.rateLimited(Math.ceil(context.ttl / 1000)),
  });

  const routes = apiRoutes(rt);
  await registerDocs(app, rt, routes);
  await registerAdminQueues(app, rt, admin);
  registerRoutes(app, routes);
  return app;
}
