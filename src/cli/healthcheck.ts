import { loadEnv } from '../config/env.js';
import { createRedis, DEFAULT_REDIS_URL } from '../store/redis-client.js';

/**
 * `account-linker healthcheck`: exits 0 when Redis at REDIS_URL answers PING within `timeoutMs`,
 * else 1. The container health check of worker processes, which serve no HTTP.
 */
export async function healthcheck(timeoutMs = 3000): Promise<number> {
  const env = loadEnv();
  const redis = createRedis(env.REDIS_URL ?? DEFAULT_REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: timeoutMs });
  redis.on('error', () => {});
  try {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref());
    await Promise.race([redis.ping(), timeout]);
    return 0;
  } catch (error) {
    console.error(`account-linker: Redis at ${env.REDIS_URL ?? DEFAULT_REDIS_URL} is not reachable: ${(error as Error).message}`);
    return 1;
  } finally {
    redis.disconnect();
  }
}
