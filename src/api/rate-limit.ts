import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Runtime } from '../runtime/runtime.js';
import { globalKey } from '../store/keys.js';
import { problems } from './errors.js';

const WINDOW_MS = 60_000;

const keyOf = (request: FastifyRequest) => (request.platformId ? `p:${request.platformId}` : `ip:${request.ip}`);
const namespaceOf = (rt: Runtime) => globalKey(rt.env.LINKER_REDIS_PREFIX, 'rate-limit:');

/** The per-platform API rate limit (LINKER_RATE_LIMIT_PER_MINUTE), counted in Redis for all API processes. */
export async function registerRateLimit(app: FastifyInstance, rt: Runtime): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: rt.env.LINKER_RATE_LIMIT_PER_MINUTE,
    timeWindow: WINDOW_MS,
    redis: rt.redis,
    nameSpace: namespaceOf(rt),
    keyGenerator: keyOf,
    allowList: (request) => request.routeOptions.config.auth !== 'platform',
    errorResponseBuilder: (_request, context) => problems.rateLimited(Math.ceil(context.ttl / 1000)),
  });
}

// Adds to the counter the plugin keeps for this minute; starts the window if the plugin's has ended.
const CHARGE = `
local current = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
return {current, ttl}`;

/**
 * Counts a bulk call's items against the same limit as calls (the call itself was counted once
 * already): a bulk of 1,000 spends 1,000 of the minute's requests. Throws 429 past the limit.
 */
export async function chargeBulkItems(rt: Runtime, request: FastifyRequest, items: number): Promise<void> {
  if (items <= 1) return;
  const [current, ttl] = (await rt.redis.eval(CHARGE, 1, `${namespaceOf(rt)}${keyOf(request)}`, items - 1, WINDOW_MS)) as [number, number];
  if (current > rt.env.LINKER_RATE_LIMIT_PER_MINUTE) throw problems.rateLimited(Math.max(1, Math.ceil(ttl / 1000)));
}
