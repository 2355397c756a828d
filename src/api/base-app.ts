import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Runtime } from '../runtime/runtime.js';
import { ProblemError, problems } from './errors.js';
import { registerJsonBody } from './json-body.js';

function toProblem(error: FastifyError, bodyLimit: number): ProblemError {
  if (error instanceof ProblemError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problems.malformedJson(error.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problems.payloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problems.unsupportedMediaType();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problems.invalidInput(error.message);
  }
  if (error instanceof SyntaxError) return problems.malformedJson(error.message);
  const status = error.statusCode ?? 500;
  if (status === 429) return problems.rateLimited(60);
  if (status >= 400 && status < 500) return new ProblemError(status, 'bad_request', 'Bad request', error.message);
  return problems.internal();
}

export interface BaseAppOptions {
  /** Log each request, one line at debug level. Default true; off for an app that serves requests another app has already logged. */
  requestLogging?: boolean;
}

/**
 * A Fastify instance with the API's body rules and its problem+json answers to errors and unknown
 * routes. The API and the parts it mounts on first use (docs UI, queues board) start from it, so
 * they all answer alike.
 */
export function createBaseApp(rt: Runtime, options: BaseAppOptions = {}): FastifyInstance {
  const app = Fastify({
    loggerInstance: rt.logger as FastifyBaseLogger,
    // Fastify's own request logging writes two info lines per request; one debug line (below) is enough.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: rt.env.LINKER_BODY_LIMIT_BYTES,
    trustProxy: rt.env.LINKER_TRUSTED_PROXIES.length > 0 ? rt.env.LINKER_TRUSTED_PROXIES : false,
    // A URL that does not decode (e.g. "/v1/batches/%ZZ") fails before routing; answer it like any bad input.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const problem = problems.invalidInput(`${error.message}. Percent-encode the URL.`);
      void reply.code(problem.status).type('application/problem+json').send(problem.toJSON());
    },
  });
  if (options.requestLogging !== false) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.debug({ req: request, res: reply, ms: Math.round(reply.elapsedTime) }, 'request');
    });
  }
  // The API speaks JSON only; a text body is a client mistake worth a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  registerJsonBody(app);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error, rt.env.LINKER_BODY_LIMIT_BYTES);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.code(problem.status).headers(problem.headers).type('application/problem+json').send(problem.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = problems.routeNotFound(request.method, request.url);
    void reply.code(404).type('application/problem+json').send(problem.toJSON());
  });
  return app;
}
