import type { Logger } from 'pino';
import type { RedisClient } from '../store/redis-client.js';

/** REDIS_URL as a log line may show it: a password in it becomes ***. */
export function redisUrlForLog(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/**
 * Waits until Redis answers, with a warn line every `everyMs` while it does not: the client retries
 * in silence (commands wait for a reconnect), so a Redis that is down or a cluster whose nodes
 * announce no reachable address would otherwise leave the process hanging without a word.
 */
export async function waitForRedis(redis: RedisClient, url: string, logger: Logger, everyMs = 10_000): Promise<void> {
  const started = Date.now();
  const timer = setInterval(() => {
    const waited = Math.round((Date.now() - started) / 1000);
    logger.warn(
      { status: redis.status },
      `still waiting for Redis at ${redisUrlForLog(url)} after ${waited} s: check that it runs and that this host reaches it; ` +
        "a Redis Cluster's nodes must announce addresses this host reaches (cluster-announce-ip)",
    );
  }, everyMs);
  try {
    await redis.ping();
  } finally {
    clearInterval(timer);
  }
}
