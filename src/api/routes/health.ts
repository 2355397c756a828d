import { z } from 'zod';
import { defineRoute, type AnyRouteSpec } from '../route-kit.js';
import { problems } from '../errors.js';
import type { Runtime } from '../../runtime/runtime.js';

/** Probes and scrapers send no parameters; an unexpected one is a mistake worth a 400. */
export const noQuery = z.strictObject({});

export function healthRoutes(rt: Runtime): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/healthz',
      summary: 'Liveness: the process answers',
      tag: 'operations',
      auth: 'none',
      query: noQuery,
      response: { status: 200, description: 'alive', schema: z.object({ status: z.literal('ok') }) },
      handler: async () => ({ body: { status: 'ok' } }),
    }),
    defineRoute({
      method: 'GET',
      url: '/readyz',
      summary: 'Readiness: Redis answers and the queues are open',
      tag: 'operations',
      auth: 'none',
      query: noQuery,
      response: { status: 200, description: 'ready', schema: z.object({ status: z.literal('ready'), redisLatencyMs: z.number() }) },
      errors: [503],
      handler: async () => {
        const started = performance.now();
        try {
          await Promise.race([
            Promise.all([rt.redis.ping(), rt.producers.validate.waitUntilReady(), rt.producers.deliver.waitUntilReady()]),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
          ]);
        } catch {
          throw problems.unavailable('Redis does not answer; check REDIS_URL and that Redis is running.');
        }
        return { body: { status: 'ready', redisLatencyMs: Math.round(performance.now() - started) } };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/metrics',
      summary: 'Prometheus metrics',
      tag: 'operations',
      auth: 'none',
      query: noQuery,
      response: { status: 200, description: 'Prometheus text exposition format', contentType: 'text/plain' },
      handler: async ({ reply }) => {
        reply.type(rt.metrics.registry.contentType);
        return { body: await rt.metrics.registry.metrics() };
      },
    }),
  ];
}
