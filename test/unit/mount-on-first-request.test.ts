import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { mountOnFirstRequest } from '../../src/api/mount-on-first-request.js';

/** The part served under /part: echoes what it parsed, and answers its own 404s. */
function part(onClose = () => {}): FastifyInstance {
  const app = Fastify();
  app.addHook('onClose', async () => onClose());
  app.post('/part/echo', async (request) => ({ body: request.body }));
  app.get('/part', async () => ({ at: 'root' }));
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ from: 'part' }));
  return app;
}

let outer: FastifyInstance | undefined;
afterEach(async () => outer?.close());

async function mounted(load: () => Promise<FastifyInstance>, hook?: () => void): Promise<FastifyInstance> {
  outer = Fastify();
  await outer.register(async (scope) => {
    if (hook) scope.addHook('onRequest', async () => hook());
    mountOnFirstRequest(scope, '/part', load);
  });
  outer.post('/elsewhere', async (request) => ({ body: request.body }));
  return outer;
}

describe('mountOnFirstRequest', () => {
  it('builds the part on the first request only and hands it the unread body', async () => {
    let builds = 0;
    const app = await mounted(async () => {
      builds++;
      return part();
    });
    expect(builds).toBe(0);
    await app.ready();
    expect(builds).toBe(0);

    expect((await app.inject({ method: 'GET', url: '/part' })).json()).toEqual({ at: 'root' });
    const echo = await app.inject({ method: 'POST', url: '/part/echo', payload: { a: [1, 2] } });
    expect(echo.json()).toEqual({ body: { a: [1, 2] } });
    expect(builds).toBe(1);
    // Routes outside the prefix keep the outer app's parsers.
    expect((await app.inject({ method: 'POST', url: '/elsewhere', payload: { b: 1 } })).json()).toEqual({ body: { b: 1 } });
  });

  it('lets the part answer what it does not know', async () => {
    const app = await mounted(async () => part());
    const res = await app.inject({ method: 'DELETE', url: '/part/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ from: 'part' });
  });

  it('runs the scope hooks first, without building the part for a refused request', async () => {
    let builds = 0;
    const app = await mounted(
      async () => {
        builds++;
        return part();
      },
      () => {
        throw Object.assign(new Error('no'), { statusCode: 401 });
      },
    );
    expect((await app.inject({ method: 'GET', url: '/part' })).statusCode).toBe(401);
    expect(builds).toBe(0);
  });

  it('tries a failed build again on the next request, and closes the part with the app', async () => {
    let builds = 0;
    let closed = false;
    const app = await mounted(async () => {
      if (++builds === 1) throw new Error('first build fails');
      return part(() => (closed = true));
    });
    expect((await app.inject({ method: 'GET', url: '/part' })).statusCode).toBe(500);
    expect((await app.inject({ method: 'GET', url: '/part' })).statusCode).toBe(200);
    await app.close();
    outer = undefined;
    expect(closed).toBe(true);
  });
});
