import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Runtime } from '../runtime/runtime.js';
import { createBaseApp } from './base-app.js';

/**
 * Swagger UI at `path`, as an app of its own, for the given OpenAPI document. It is served from the
 * package's own files, so the page works offline and loads nothing from elsewhere.
 */
export async function buildDocsUi(rt: Runtime, document: object, path: string): Promise<FastifyInstance> {
  const app = createBaseApp(rt, { requestLogging: false });
  // @fastify/swagger's types describe the document loosely; ours is plain JSON it passes through as is.
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, { routePrefix: path, uiConfig: { validatorUrl: null } });
  return app;
}
