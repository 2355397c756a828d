import { z } from 'zod';
import type { AuthKind, RouteSpec } from './route-kit.js';
import { problemSchema } from './problem-schema.js';
import { RATE_LIMIT_HEADERS, RESPONSE_HEADERS, type ResponseHeader } from './response-headers.js';
import { IDEMPOTENCY_KEY_MAX } from './idempotency.js';
import { EVENT_SCHEMAS } from '../domain/schemas/events.js';

type JsonSchema = Record<string, unknown>;

/** What the document needs of a route: a route spec without its handler. */
export type RouteDoc = Omit<RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>, 'handler'>;

export interface OpenApiOptions {
  title: string;
  version: string;
  description: string;
  /** The base URL clients call (LINKER_PUBLIC_URL); without it the document points at the server that serves it. */
  serverUrl?: string;
  /** Browser pages mounted outside the route specs (Swagger UI, the queues board); `/*` covers a subtree. */
  pages?: string[];
}

const STATUS_TEXT: Record<number, string> = {
  400: 'invalid input; nothing was stored (`errors` lists each field)',
  401: 'missing or wrong credentials',
  404: 'not found for this platform',
  409: 'conflict with the current state; `detail` says which',
  410: 'gone: the session has expired',
  413: 'body larger than the limit',
  415: 'body is not application/json',
  422: 'Idempotency-Key reused with another body',
  429: 'too many calls, or too many failed sign-ins from this address; wait Retry-After seconds',
  503: 'not ready; retry after Retry-After seconds',
};

/** Tags listed at the top of the document; a route may use another, which is then shown without text. */
const TAGS: Record<string, string> = {
  'connect requests': 'Submit tenants\' API keys, one or in bulk, and follow each request to linked or failed.',
  batches: 'Progress of a bulk submission.',
  accounts: 'Linked accounts: read, re-check, unlink.',
  webhooks: 'Endpoints that receive the events, and the delivery log.',
  'webhook events': 'What the service POSTs to your endpoints, signed per Standard Webhooks.',
  'connect sessions': 'Single-use Connect Hub links for end users.',
  'connect hub': 'The calls the Connect Hub page makes with its session token.',
  operations: 'Health, readiness, metrics and this document.',
};

const SECURITY_SCHEMES: Record<Exclude<AuthKind, 'none'>, [string, JsonSchema]> = {
  platform: ['platformToken', { type: 'http', scheme: 'bearer', description: 'platform token from LINKER_PLATFORMS or `account-linker platforms add`' }],
  admin: ['adminToken', { type: 'http', scheme: 'bearer', description: 'LINKER_ADMIN_TOKEN' }],
  session: ['hubSession', { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Session <token>`, the token of POST /v1/connect-sessions' }],
};

const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes the call safe to retry: a replay answers the first response (with Idempotent-Replayed: true). Keys are per platform and shared by both POST /v1/connect-requests routes: the same key with another body, on either route, is a 422.',
  schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX, pattern: '^[\\x21-\\x7e]+$' },
};

const WEBHOOK_HEADERS = [
  { name: 'webhook-id', description: 'the message id, the same on every attempt: the receiver\'s idempotency key', schema: { type: 'string' } },
  { name: 'webhook-timestamp', description: 'unix seconds of this attempt', schema: { type: 'string', pattern: '^[0-9]+$' } },
  {
    name: 'webhook-signature',
    description: 'space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret while a secret rotates (Standard Webhooks)',
    schema: { type: 'string' },
  },
].map((header) => ({ ...header, in: 'header', required: true }));

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const openApiPath = (url: string) => url.replace(/:([A-Za-z_]\w*)/g, '{$1}');
const camel = (text: string) => text.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''));

/**
 * Collects the named schemas (zod `.meta({ id })`) met while converting, so each appears once
 * under components and everything else refers to it. A name converted twice must come out the
 * same, or the document would silently describe one of the two uses wrong.
 */
class ComponentSchemas {
  readonly schemas: Record<string, JsonSchema> = {};

  /** Request bodies are documented as their input (before transforms), everything else as output. */
  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const { $schema: _dialect, $defs, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [id, def] of Object.entries($defs ?? {})) {
      const converted = this.refs(def);
      const known = this.schemas[id];
      if (known && JSON.stringify(known) !== JSON.stringify(converted)) {
        throw new Error(`OpenAPI: schema "${id}" converts differently in two places (${io}); give the ${io} variant its own id`);
      }
      this.schemas[id] = converted;
    }
    return this.refs(rest);
  }

  private refs(schema: JsonSchema): JsonSchema {
    return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
  }
}

function statusesOf(spec: RouteDoc): number[] {
  const implied = [
    ...(spec.body || spec.query || spec.params || spec.idempotent ? [400] : []),
    // Any body sent with a POST, PUT or DELETE is parsed, whether the route reads it or not.
    ...(spec.method !== 'GET' ? [400, 413, 415] : []),
    ...(spec.auth !== 'none' ? [401] : []),
    // The sign-in throttle (sign-in-throttle.ts) answers any call that carries a credential, on any route.
    429,
    ...(spec.idempotent ? [409, 422] : []),
  ];
  return [...new Set([...implied, ...(spec.errors ?? [])])].sort((a, b) => a - b);
}

function headersOf(names: ResponseHeader[], required: ResponseHeader[] = []) {
  if (names.length === 0 && required.length === 0) return {};
  const all = [...new Set([...required, ...names])];
  return { headers: Object.fromEntries(all.map((name) => [name, { ...RESPONSE_HEADERS[name], required: required.includes(name) }])) };
}

function errorResponse(spec: RouteDoc, status: number): JsonSchema {
  const limited = spec.auth === 'platform' && status !== 401 ? RATE_LIMIT_HEADERS : [];
  const required: ResponseHeader[] = [
    ...(status === 401 && (spec.auth === 'platform' || spec.auth === 'admin') ? ['WWW-Authenticate' as const] : []),
    ...(status === 429 || status === 503 ? ['Retry-After' as const] : []),
  ];
  const optional: ResponseHeader[] = [...limited, ...(status === 409 && spec.idempotent ? ['Retry-After' as const] : [])];
  return {
    description: STATUS_TEXT[status] ?? 'error',
    ...headersOf(optional.filter((h) => !required.includes(h)), required),
    content: { 'application/problem+json': { schema: ref('Problem') } },
  };
}

function successResponse(spec: RouteDoc, components: ComponentSchemas): JsonSchema {
  const { schema, description, contentType } = spec.response;
  const optional = [...(spec.auth === 'platform' ? RATE_LIMIT_HEADERS : []), ...(spec.idempotent ? ['Idempotent-Replayed' as const] : [])];
  const content = schema
    ? { content: { [contentType ?? 'application/json']: { schema: components.convert(schema, 'output') } } }
    : contentType
      ? { content: { [contentType]: { schema: { type: 'string' } } } }
      : {};
  return { description, ...headersOf(optional, spec.response.headers ?? []), ...content };
}

/** Query and path schemas are objects; each property becomes one parameter, documented as the server reads it. */
function parameters(schema: z.ZodType | undefined, where: 'query' | 'path', components: ComponentSchemas): JsonSchema[] {
  if (!schema) return [];
  const object = components.convert(schema, 'output') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

function operation(spec: RouteDoc, components: ComponentSchemas): JsonSchema {
  const security = spec.auth === 'none' ? [] : [{ [SECURITY_SCHEMES[spec.auth][0]]: [] }];
  const headers = Object.entries(spec.headers ?? {}).map(([name, description]) => ({ name, in: 'header', required: false, description, schema: { type: 'string' } }));
  return {
    summary: spec.summary,
    tags: [spec.tag],
    operationId: camel(`${spec.method.toLowerCase()} ${openApiPath(spec.url)}`),
    security,
    parameters: [
      ...parameters(spec.params, 'path', components),
      ...parameters(spec.query, 'query', components),
      ...(spec.idempotent ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
      ...headers,
    ],
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: components.convert(spec.documentedBody ?? spec.body, 'input') } } } } : {}),
    responses: {
      [String(spec.response.status)]: successResponse(spec, components),
      ...Object.fromEntries(statusesOf(spec).map((status) => [String(status), errorResponse(spec, status)])),
    },
  };
}

/** One `webhooks` entry per event type: what the service POSTs to a subscribed endpoint. */
function webhooks(components: ComponentSchemas): JsonSchema {
  return Object.fromEntries(
    Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [
      type,
      {
        post: {
          summary: `${type}: ${schema.meta()?.description ?? ''}`,
          tags: ['webhook events'],
          operationId: camel(`webhook ${type}`),
          security: [],
          parameters: WEBHOOK_HEADERS,
          requestBody: { required: true, content: { 'application/json': { schema: components.convert(schema, 'output') } } },
          responses: {
            '2XX': { description: 'received: the message is delivered and confirms its connect request' },
            '410': { description: 'Gone: the endpoint is disabled and gets nothing more' },
            '429': { description: 'the message is sent again after Retry-After (seconds or an HTTP date)', headers: { 'Retry-After': { schema: { type: 'string' } } } },
          },
        },
      },
    ]),
  );
}

/**
 * The OpenAPI 3.1 document of `routes`, generated from the very zod schemas that validate the
 * requests, so the docs cannot drift from the behaviour. Every status an operation can answer is
 * listed: the ones its spec implies (input, a method with a body, authentication, rate limits, idempotency) and the
 * ones its handler declares.
 */
export function buildOpenApiDocument(routes: RouteDoc[], options: OpenApiOptions): JsonSchema {
  const components = new ComponentSchemas();
  components.convert(problemSchema, 'output');
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const pages = [...(options.pages ?? [])];
  for (const spec of routes) {
    if (spec.page) {
      pages.push(spec.url);
      continue;
    }
    const path = (paths[openApiPath(spec.url)] ??= {});
    path[spec.method.toLowerCase()] = operation(spec, components);
  }
  const hooks = webhooks(components);
  const used = new Set(routes.filter((r) => !r.page && r.auth !== 'none').map((r) => r.auth as Exclude<AuthKind, 'none'>));
  const tags = new Set([...routes.filter((r) => !r.page).map((r) => r.tag), 'webhook events']);
  return {
    openapi: '3.1.0',
    info: {
      title: options.title,
      version: options.version,
      description: options.description,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [options.serverUrl ? { url: options.serverUrl, description: 'LINKER_PUBLIC_URL' } : { url: '/', description: 'the server that serves this document' }],
    tags: Object.entries(TAGS)
      .filter(([name]) => tags.has(name))
      .map(([name, description]) => ({ name, description })),
    paths,
    webhooks: hooks,
    components: {
      schemas: Object.fromEntries(Object.entries(components.schemas).sort(([a], [b]) => a.localeCompare(b))),
      parameters: { IdempotencyKey: IDEMPOTENCY_KEY_PARAMETER },
      securitySchemes: Object.fromEntries([...used].map((auth) => SECURITY_SCHEMES[auth])),
    },
    'x-pages': pages,
  };
}
