import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { AnyRouteSpec } from './route-kit.js';
import { buildOpenApiDocument } from './openapi.js';

export const API_INFO = {
  title: 'account-linker',
  version: (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version,
  description: 'Links many tenants\' SmartRecruiters accounts: connect requests, batches, accounts, signed webhooks.',
};

/**
 * `/openapi.json` and `/docs`. The document is built once from the route specs; Swagger UI is served
 * from the package's own files, so /docs works offline and loads nothing from elsewhere.
 */
export async function registerDocs(app: FastifyInstance, routes: AnyRouteSpec[]): Promise<void> {
  const document = buildOpenApiDocument(routes, API_INFO);
  // @fastify/swagger's types describe the document loosely; ours is plain JSON it passes through as is.
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
