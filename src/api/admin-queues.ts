import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime/runtime.js';
import { authenticateAdmin, isAdminToken } from './auth.js';
import { problems } from './errors.js';
import { mountOnFirstRequest } from './mount-on-first-request.js';

export const ADMIN_QUEUES_PATH = '/admin/queues';
const LOGIN_PATH = '/admin/login';
export const ADMIN_COOKIE = 'linker_admin';
/** Browser pages, outside the API contract (listed under x-pages in /openapi.json). */
export const ADMIN_PAGES = [LOGIN_PATH, ADMIN_QUEUES_PATH, `${ADMIN_QUEUES_PATH}/*`];

const loginPage = (failed: boolean) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>account-linker admin</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto">
<h1>Queues dashboard</h1>
${failed ? '<p role="alert">That is not the admin token.</p>' : ''}
<form method="post" action="${LOGIN_PATH}">
<label>Admin token (LINKER_ADMIN_TOKEN)<br><input type="password" name="token" autocomplete="current-password" required style="width: 100%"></label>
<p><button type="submit">Open the dashboard</button></p>
</form></body></html>`;

/**
 * bull-board at /admin/queues for every queue, behind LINKER_ADMIN_TOKEN. The board's page loads its
 * own scripts without our Authorization header, so a browser signs in once at /admin/login and then
 * carries the token as an HttpOnly cookie scoped to /admin. With no admin token configured every
 * admin route answers 401. The board and its packages load on the first signed-in request to it:
 * most runs never open it.
 */
export async function registerAdminQueues(app: FastifyInstance, rt: Runtime): Promise<void> {
  const adminToken = rt.env.LINKER_ADMIN_TOKEN;
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => authenticateAdmin(request, adminToken));
    mountOnFirstRequest(scope, ADMIN_QUEUES_PATH, async () => (await import('./queues-board.js')).buildQueuesBoard(rt, ADMIN_QUEUES_PATH));
  });

  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    scope.get(LOGIN_PATH, async (_request, reply) => reply.type('text/html').send(loginPage(false)));
    scope.post(LOGIN_PATH, async (request, reply) => {
      if (!adminToken) throw problems.adminOnly();
      const token = (request.body as Record<string, string> | undefined)?.token;
      if (!isAdminToken(token, adminToken)) return reply.code(401).type('text/html').send(loginPage(true));
      const cookie = `${ADMIN_COOKIE}=${encodeURIComponent(token!)}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=28800`;
      return reply.code(303).header('set-cookie', cookie).header('location', ADMIN_QUEUES_PATH).send();
    });
  });
}
