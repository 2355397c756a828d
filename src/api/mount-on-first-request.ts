import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Serves every method on `prefix` and below it from a Fastify app that `load` builds on the first
 * such request, so a part that most runs never open (and the packages behind it) costs no memory
 * until then. A failed build is tried again on the next request.
 *
 * Call it inside a scope of its own (hooks of that scope, such as authentication, run first): it
 * replaces the scope's body parsers with one that leaves the body unread, for the mounted app to
 * parse under its own rules.
 */
export function mountOnFirstRequest(scope: FastifyInstance, prefix: string, load: () => Promise<FastifyInstance>): void {
  let mounted: Promise<FastifyInstance> | undefined;
  const mount = () =>
    (mounted ??= load()
      .then(async (app) => {
        await app.ready();
        return app;
      })
      .catch((error: unknown) => {
        mounted = undefined;
        throw error;
      }));

  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request, _payload, done) => done(null));

  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    const app = await mount();
    reply.hijack();
    app.routing(request.raw, reply.raw);
  };
  scope.all(prefix, forward);
  scope.all(`${prefix}/*`, forward);
  scope.addHook('onClose', async () => {
    await mounted?.then((app) => app.close(), () => undefined);
  });
}
