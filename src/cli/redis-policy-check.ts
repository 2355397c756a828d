import type { Logger } from 'pino';
import type { RedisClient } from '../store/redis-client.js';

/** Evicting Redis would silently drop queued jobs and stored requests: say so loudly at start. */
export async function warnUnlessNoEviction(redis: RedisClient, logger: Logger): Promise<void> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy && policy !== 'noeviction') {
      logger.warn(`Redis maxmemory-policy is "${policy}"; account-linker needs "noeviction" or Redis may drop jobs and requests under memory pressure. Fix: redis-cli CONFIG SET maxmemory-policy noeviction (and set it in redis.conf).`);
    }
  } catch {
    logger.warn('could not read Redis maxmemory-policy (CONFIG may be disabled); make sure it is "noeviction"');
  }
}
