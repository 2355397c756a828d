import { loadEnv } from '../config/env.js';
import { createRedis, DEFAULT_REDIS_URL } from '../store/redis-client.js';
import { PlatformStore } from '../store/platform-store.js';

/** `account-linker platforms add ID`: prints the token once; Redis keeps only its SHA-256. */
export async function addPlatform(id: string): Promise<void> {
  const env = loadEnv();
  const redis = createRedis(env.REDIS_URL ?? DEFAULT_REDIS_URL);
  try {
    const token = await new PlatformStore(redis, env.LINKER_REDIS_PREFIX, []).add(id);
    console.log(`platform "${id}" created. Its token (shown once, store it now):\n${token}`);
  } finally {
    redis.disconnect();
  }
}
