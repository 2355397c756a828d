import type { FastifyRequest } from 'fastify';
import { defineRoute, type AnyRouteSpec } from '../route-kit.js';
import type { Runtime } from '../../runtime/runtime.js';
import { connectSessionInputSchema, connectSessionSchema } from '../../domain/schemas/connect-session.js';
import { ConnectSessionStore } from '../../store/connect-session-store.js';
import { formatSessionToken } from '../connect-session-token.js';

/** LINKER_PUBLIC_URL when the service sits behind a proxy; otherwise the address the platform called. */
function hubUrl(publicUrl: string | undefined, request: FastifyRequest, token: string): string {
  const base = publicUrl ?? `${request.protocol}://${request.host}`;
  const url = new URL('hub', base.endsWith('/') ? base : `${base}/`);
  url.searchParams.set('session', token);
  return url.toString();
}

export function connectSessionRoutes(rt: Runtime): AnyRouteSpec[] {
  const sessions = new ConnectSessionStore(rt.redis, rt.env.LINKER_REDIS_PREFIX, { retentionMs: rt.env.LINKER_RETENTION });
  const body = connectSessionInputSchema({ loopbackHttp: rt.env.NODE_ENV !== 'production' });
  return [
    defineRoute({
      method: 'POST',
      url: '/v1/connect-sessions',
      summary: 'A single-use Connect Hub link for one tenant: the end user pastes the key there',
      tag: 'connect sessions',
      auth: 'platform',
      body,
      response: { status: 201, description: 'the session; send the end user to `url`', schema: connectSessionSchema, headers: ['Cache-Control'] },
      handler: async ({ body, platformId, request }) => {
        const ttlMs = body.expiresIn === undefined ? rt.env.LINKER_CONNECT_SESSION_TTL : body.expiresIn * 1000;
        const { id, secret, expiresAt } = await sessions.create(platformId, body, ttlMs);
        const token = formatSessionToken({ id, platformId, secret });
        return {
          status: 201,
          body: { token, url: hubUrl(rt.env.LINKER_PUBLIC_URL, request, token), expiresAt, allowedOrigins: body.allowedOrigins ?? [], returnUrl: body.returnUrl ?? null },
          headers: { 'cache-control': 'no-store' },
        };
      },
    }),
  ];
}
