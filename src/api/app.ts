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
import { registerDocs } from './docs.js';
import { registerAdminQueues } from './admin-queues.js';

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

  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth;
    if (auth === 'platform') await authenticatePlatform(request, rt.platforms);
    else if (auth === 'admin') authenticateAdmin(request, rt.env.LINKER_ADMIN_TOKEN);
  });

  await registerRateLimit(app, rt);

  const routes = apiRoutes(rt);
  await registerDocs(app, rt, routes);
  await registerAdminQueues(app, rt);
  registerRoutes(app, routes);
  return app;
}
