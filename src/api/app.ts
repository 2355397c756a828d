import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Runtime } from '../runtime/runtime.js';
import { ProblemError, problems } from './errors.js';
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

function toProblem(error: FastifyError): ProblemError {
  if (error instanceof ProblemError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problems.malformedJson(error.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problems.payloadTooLarge(Number(/(\d+)/.exec(error.message)?.[1] ?? 0));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problems.unsupportedMediaType();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problems.invalidInput(error.message);
  }
  if (error instanceof SyntaxError) return problems.malformedJson(error.message);
  const status = error.statusCode ?? 500;
  if (status === 429) return problems.rateLimited(60);
  if (status >= 400 && status < 500) return new ProblemError(status, 'bad_request', 'Bad request', error.message);
  return problems.internal();
}

/** Builds the Fastify app; the caller listens. */
export async function buildApp(rt: Runtime): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: rt.logger as FastifyBaseLogger,
    bodyLimit: rt.env.LINKER_BODY_LIMIT_BYTES,
    trustProxy: false,
  });
  app.decorateRequest('platformId', '');
  // The API speaks JSON only; a text body is a client mistake worth a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.code(problem.status).headers(problem.headers).type('application/problem+json').send(problem.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = problems.routeNotFound(request.method, request.url);
    void reply.code(404).type('application/problem+json').send(problem.toJSON());
  });

  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth;
    if (auth === 'platform') await authenticatePlatform(request, rt.platforms);
    else if (auth === 'admin') authenticateAdmin(request, rt.env.LINKER_ADMIN_TOKEN);
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
  await registerDocs(app, routes);
  await registerAdminQueues(app, rt);
  registerRoutes(app, routes);
  return app;
}
