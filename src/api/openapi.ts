import { z } from 'zod';
import type { AnyRouteSpec } from './route-kit.js';

type JsonSchema = Record<string, unknown>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'what went wrong and what to do about it' },
    errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

const ERROR_TEXT: Record<number, string> = {
  400: 'invalid input (nothing changed)',
  401: 'missing or wrong token',
  404: 'not found for this platform',
  409: 'conflict (e.g. the tenant already has a request in flight)',
  413: 'body too large',
  415: 'body is not JSON',
  422: 'Idempotency-Key reused with another body',
  429: 'rate limited; see Retry-After',
  503: 'not ready',
};

/**
 * Request schemas are documented as their input (what a client sends, before transforms), response
 * schemas as their output. The `$schema` key is dropped: OpenAPI 3.1 uses its own dialect.
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Query and path schemas are objects; each property becomes one OpenAPI parameter. */
function parameters(schema: z.ZodType | undefined, where: 'query' | 'path'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

const openApiPath = (url: string) => url.replace(/:([A-Za-z_]\w*)/g, '{$1}');

function operation(spec: AnyRouteSpec): JsonSchema {
  const success = spec.response.schema
    ? { description: spec.response.description, content: { 'application/json': { schema: jsonSchema(spec.response.schema, 'output') } } }
    : { description: spec.response.description };
  const errors = Object.fromEntries(
    (spec.errors ?? []).map((status) => [
      String(status),
      { description: ERROR_TEXT[status] ?? 'error', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
    ]),
  );
  const headers = Object.entries(spec.headers ?? {}).map(([name, description]) => ({ name, in: 'header', required: false, description, schema: { type: 'string' } }));
  return {
    summary: spec.summary,
    tags: [spec.tag],
    operationId: `${spec.method.toLowerCase()}${openApiPath(spec.url).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    ...(spec.auth === 'platform' ? { security: [{ platformToken: [] }] } : spec.auth === 'admin' ? { security: [{ adminToken: [] }] } : { security: [] }),
    parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query'), ...headers],
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } } : {}),
    responses: { [String(spec.response.status)]: success, ...errors },
  };
}

/**
 * The OpenAPI 3.1 document of `routes`, generated from the very zod schemas that validate the
 * requests, so the docs cannot drift from the behaviour.
 */
export function buildOpenApiDocument(routes: AnyRouteSpec[], info: OpenApiInfo): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of routes) {
    const path = (paths[openApiPath(spec.url)] ??= {});
    path[spec.method.toLowerCase()] = operation(spec);
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: {
        platformToken: { type: 'http', scheme: 'bearer', description: 'platform token from LINKER_PLATFORMS or `account-linker platforms add`' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'LINKER_ADMIN_TOKEN' },
      },
    },
  };
}
