import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime/runtime.js';
import type { AnyRouteSpec } from './route-kit.js';
import { buildOpenApiDocument } from './openapi.js';
import { mountOnFirstRequest } from './mount-on-first-request.js';

export const API_INFO = {
  title: 'account-linker',
  version: (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version,
  description: 'Links many tenants\' SmartRecruiters accounts: connect requests, batches, accounts, signed webhooks.',
};

const DOCS_PATH = '/docs';

/**
 * `/openapi.json` and `/docs`. The document is built once from the route specs. Swagger UI is a
 * person's tool that most runs never open, so it and its packages load on the first request to it.
 */
export async function registerDocs(app: FastifyInstance, rt: Runtime, routes: AnyRouteSpec[]): Promise<void> {
  const document = buildOpenApiDocument(routes, API_INFO);
  app.get('/openapi.json', async () => document);
  await app.register(async (scope) => {
    mountOnFirstRequest(scope, DOCS_PATH, async () => (await import('./docs-ui.js')).buildDocsUi(rt, document, DOCS_PATH));
  });
}
