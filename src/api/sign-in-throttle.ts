import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RedisClient } from '../store/redis-client.js';
import { globalKey } from '../store/keys.js';
import { problems } from './errors.js';
import { ADMIN_COOKIE } from './admin-cookie.js';
import { ADMIN_LOGIN_PATH } from './admin-queues.js';

export interface SignInThrottleOptions {
  /** Failed sign-ins one client IP may make per window before its sign-ins get 429. */
  failures: number;
  /** The window (ms), counted from the first failure. */
  windowMs: number;
}

/**
 * Failed sign-ins per client IP: wrong platform tokens, wrong admin tokens (header, cookie or
 * /admin/login form) and unknown Connect Hub sessions — every 401 of a request that carried
 * something to check. Counts live in Redis so all API processes add to one count; each process
 * learns that an IP is over the limit from its own failed attempt's count, so requests that
 * succeed cost no Redis call, and at most one more attempt per process gets through once the
 * limit is reached.
 */
export class SignInThrottle {
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly options: SignInThrottleOptions,
  ) {}

  /** Seconds until `ip` may sign in again, or 0. */
  retryAfter(ip: string, now = Date.now()): number {
    const until = this.blockedUntil.get(ip);
    if (until === undefined) return 0;
    if (until <= now) {
      this.blockedUntil.delete(ip);
      return 0;
    }
    return Math.ceil((until - now) / 1000);
  }

  async recordFailure(ip: string, now = Date.now()): Promise<void> {
    // Under the rate-limit namespace, so data snapshots and retention treat it as bookkeeping.
    const key = globalKey(this.prefix, `rate-limit:sign-in:${ip}`);
    const results = await this.redis.multi().set(key, 0, 'PX', this.options.windowMs, 'NX').incr(key).pttl(key).exec();
    const count = Number(results?.[1]?.[1] ?? 0);
    const ttl = Number(results?.[2]?.[1] ?? 0);
    if (count < this.options.failures || ttl <= 0) return;
    if (this.blockedUntil.size >= 10_000) this.blockedUntil.clear();
    this.blockedUntil.set(ip, now + ttl);
  }
}

/** The request carries a token, a session or a sign-in form: something a guesser could be trying. */
function presentsCredential(request: FastifyRequest): boolean {
  if (request.headers.authorization !== undefined) return true;
  if (typeof request.headers.cookie === 'string' && request.headers.cookie.includes(`${ADMIN_COOKIE}=`)) return true;
  return request.method === 'POST' && request.url.split('?')[0] === ADMIN_LOGIN_PATH;
}

/** Adds the throttle to every route of `app`: call before the authentication hooks are added. */
export function registerSignInThrottle(app: FastifyInstance, throttle: SignInThrottle): void {
  app.addHook('onRequest', async (request) => {
    if (!presentsCredential(request)) return;
    const wait = throttle.retryAfter(request.ip);
    if (wait > 0) throw problems.signInThrottled(wait);
  });
  // onSend, not onResponse: the count is in Redis before the client can send its next attempt.
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode === 401 && presentsCredential(request)) await throttle.recordFailure(request.ip);
    return payload;
  });
}
