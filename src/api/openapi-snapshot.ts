import { loadEnv } from '../config/env.js';
import { createLogger } from '../observability/logger.js';
import { createRuntime } from '../runtime/runtime.js';
import { buildApp } from './app.js';

/**
 * The /openapi.json a service with default settings serves (the client's types are generated from
 * it). Only the settings the document shows matter; the rest are placeholders. Needs Redis at
 * REDIS_URL, as the app connects on start.
 */
export async function defaultOpenApiDocument(redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Promise<Record<string, unknown>> {
  const env = loadEnv({
    REDIS_URL: redisUrl,
    LINKER_REDIS_PREFIX: 'openapi-snapshot',
    LINKER_PLATFORMS: 'snapshot:snapshot-token-0123456789abcdef',
    LINKER_ENCRYPTION_KEYS: `snapshot:${Buffer.alloc(32).toString('base64')}`,
    LINKER_LOG_LEVEL: 'silent',
  });
  const rt = createRuntime(env, createLogger(env.LINKER_LOG_LEVEL));
  try {
    const app = await buildApp(rt);
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    await app.close();
    return res.json() as Record<string, unknown>;
  } finally {
    await rt.close();
  }
}
