import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../runtime/runtime.js';
import { defineRoute, registerRoutes, type AnyRouteSpec } from './route-kit.js';
import { buildOpenApiDocument } from './openapi.js';
import { mountOnFirstRequest } from './mount-on-first-request.js';
import { noQuery } from './routes/health.js';
import { ADMIN_PAGES } from './admin-queues.js';

export const API_INFO = {
  title: 'account-linker',
  version: (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version,
  description:
    'Links many tenants\' SmartRecruiters accounts: connect requests, batches, accounts, signed webhooks (Standard Webhooks; see `webhooks`). Errors are RFC 9457 problems whose `type` is one of the Problem schema\'s URNs. Swagger UI for this document is at /docs.',
};

const DOCS_PATH = '/docs';

/**
 * `/openapi.json` and `/docs`. The document is built once from the route specs (its own route
 * included). Swagger UI is a person's tool that most runs never open, so it and its packages load
 * on the first request to it.
 */
export async function registerDocs(app: FastifyInstance, rt: Runtime, routes: AnyRouteSpec[]): Promise<void> {
  const documentRoute = defineRoute({
    method: 'GET',
    url: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tag: 'operations',
    auth: 'none',
    query: noQuery,
    response: { status: 200, description: 'the document', schema: z.looseObject({ openapi: z.literal('3.1.0') }) },
    handler: async () => ({ body: document }),
  });
  const document = buildOpenApiDocument([...routes, documentRoute], {
    ...API_INFO,
    serverUrl: rt.env.LINKER_PUBLIC_URL,
    pages: [DOCS_PATH, `${DOCS_PATH}/*`, ...ADMIN_PAGES],
  });
  registerRoutes(app, [documentRoute]);
  await app.register(async (scope) => {
    mountOnFirstRequest(scope, DOCS_PATH, async () => (await import('./docs-ui.js')).buildDocsUi(rt, document, DOCS_PATH));
  });
}
