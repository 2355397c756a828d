import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { parseOr400 } from './validation.js';
import type { ResponseHeader } from './response-headers.js';
import { problems } from './errors.js';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** `session`: the Connect Hub's `Authorization: Session <token>`, checked by the route itself. */
export type AuthKind = 'platform' | 'admin' | 'session' | 'none';

export interface RouteContext<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  /** Set on `auth: 'platform'` routes. */
  platformId: string;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ResponseSpec {
  status: number;
  description: string;
  /** The JSON body; leave out for no body or a non-JSON one (then set `contentType`). */
  schema?: z.ZodType;
  /** Default application/json when `schema` is set. */
  contentType?: string;
  /** Headers this answer always carries (Location, Cache-Control…). */
  headers?: ResponseHeader[];
}

/**
 * A route described once: the zod schemas validate the request and also produce the OpenAPI
 * document, so docs and behaviour cannot drift apart.
 */
export interface RouteSpec<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined> {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  url: string;
  summary: string;
  tag: string;
  auth: AuthKind;
  body?: B;
  /**
   * The body as a client should send it, when `body` validates more loosely on purpose (the bulk
   * route takes any item and rejects bad ones one by one). Documentation only.
   */
  documentedBody?: z.ZodType;
  query?: Q;
  params?: P;
  /** Extra request headers the route reads (documentation only). */
  headers?: Record<string, string>;
  /** Reads an optional Idempotency-Key (src/api/idempotency.ts): documents the header, 409/422 and Idempotent-Replayed. */
  idempotent?: boolean;
  response: ResponseSpec;
  /**
   * Error statuses the handler itself answers with. Those that follow from the spec are added by
   * the document: 400 for any input, 413/415 for a body, 401 and 429 for platform routes.
   */
  errors?: number[];
  /**
   * A page or asset for a browser (HTML, CSS, script), outside the API contract: the document lists
   * it under `x-pages` instead of as an operation.
   */
  page?: boolean;
  handler: (ctx: RouteContext<Out<B>, Out<Q>, Out<P>>) => Promise<RouteResult>;
}

// The registry keeps specs with their own generic parameters erased.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteSpec = RouteSpec<any, any, any>;

export function defineRoute<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined>(
  spec: RouteSpec<B, Q, P>,
): AnyRouteSpec {
  return spec as AnyRouteSpec;
}

declare module 'fastify' {
  interface FastifyRequest {
    platformId: string;
  }
}

/** Path parameters are ids (see id-params.ts): one that does not parse names nothing, so it is a 404. */
function parseParams<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw problems.notAnId(parsed.error.issues[0]?.message ?? 'No such record exists for this platform.');
  return parsed.data;
}

/** Registers specs on Fastify. Authentication hooks are attached by the app, by `config.auth`. */
export function registerRoutes(app: FastifyInstance, routes: AnyRouteSpec[]): void {
  for (const spec of routes) {
    app.route({
      method: spec.method,
      url: spec.url,
      config: { auth: spec.auth },
      handler: async (request, reply) => {
        const ctx = {
          body: spec.body ? parseOr400(spec.body, request.body, 'body') : undefined,
          query: spec.query ? parseOr400(spec.query, request.query, 'query') : undefined,
          params: spec.params ? parseParams(spec.params, request.params) : undefined,
          platformId: request.platformId,
          request,
          reply,
        };
        const result = await spec.handler(ctx);
        reply.code(result.status ?? spec.response.status);
        if (result.headers) reply.headers(result.headers);
        return result.body ?? (reply.statusCode === 204 ? undefined : {});
      },
    });
  }
}
