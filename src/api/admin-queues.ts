import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime/runtime.js';
import { authenticateAdmin, isAdminToken, type AdminAuth } from './auth.js';
import { problems } from './errors.js';
import { mountOnFirstRequest } from './mount-on-first-request.js';
import { adminSessionCookie, adminSetCookie } from './admin-cookie.js';

export const ADMIN_QUEUES_PATH = '/admin/queues';
export const ADMIN_LOGIN_PATH = '/admin/login';
export const ADMIN_LOGOUT_PATH = '/admin/logout';
/** Browser pages, outside the API contract (listed under x-pages in /openapi.json). */
export const ADMIN_PAGES = [ADMIN_LOGIN_PATH, ADMIN_LOGOUT_PATH, ADMIN_QUEUES_PATH, `${ADMIN_QUEUES_PATH}/*`];

const loginPage = (failed: boolean) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>account-linker admin</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto">
<h1>Queues dashboard</h1>
${failed ? '<p role="alert">That is not the admin token.</p>' : ''}
<form method="post" action="${ADMIN_LOGIN_PATH}">
<label>Admin token (LINKER_ADMIN_TOKEN)<br><input type="password" name="token" autocomplete="current-password" required style="width: 100%"></label>
<p><button type="submit">Open the dashboard</button></p>
</form></body></html>`;

/**
 * bull-board at /admin/queues for every queue, behind LINKER_ADMIN_TOKEN. The board's page loads its
 * own scripts without our Authorization header, so a browser signs in once at /admin/login and then
 * carries an opaque session id (never the token) as an HttpOnly cookie scoped to /admin, `Secure`
 * when LINKER_PUBLIC_URL is https; POST /admin/logout ends the session. With no admin token
 * configured every admin route answers 401. The board and its packages load on the first signed-in
 * request to it: most runs never open it.
 */
export async function registerAdminQueues(app: FastifyInstance, rt: Runtime, admin: AdminAuth): Promise<void> {
  const adminToken = admin.token;
  const cookie = { secure: rt.env.LINKER_PUBLIC_URL?.startsWith('https:') ?? false };
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => authenticateAdmin(request, admin));
    mountOnFirstRequest(scope, ADMIN_QUEUES_PATH, async () => (await import('./queues-board.js')).buildQueuesBoard(rt, ADMIN_QUEUES_PATH));
  });

  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    scope.get(ADMIN_LOGIN_PATH, async (_request, reply) => reply.type('text/html').send(loginPage(false)));
    scope.post(ADMIN_LOGIN_PATH, async (request, reply) => {
      if (!adminToken) throw problems.adminOnly();
      const token = (request.body as Record<string, string> | undefined)?.token;
      if (typeof token !== 'string' || !isAdminToken(token, adminToken)) return reply.code(401).type('text/html').send(loginPage(true));
      const session = await admin.sessions.create(adminToken);
      return reply
        .code(303)
        .header('set-cookie', adminSetCookie(session, { ...cookie, maxAgeMs: admin.sessions.ttlMs }))
        .header('location', ADMIN_QUEUES_PATH)
        .send();
    });
    scope.post(ADMIN_LOGOUT_PATH, async (request, reply) => {
      const session = adminSessionCookie(request);
      if (session) await admin.sessions.destroy(session);
      return reply.code(303).header('set-cookie', adminSetCookie('', { ...cookie, maxAgeMs: 0 })).header('location', ADMIN_LOGIN_PATH).send();
    });
  });
}
