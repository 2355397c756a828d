import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { loadEnv, type Env } from '../../src/config/env.js';

export const PLATFORMS = {
  acme: 'acme-token-0123456789abcdef',
  globex: 'globex-token-0123456789abcdef',
} as const;

/** LINKER_ADMIN_TOKEN of services under test (at least 32 characters, as the service demands). */
export const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789';

/** A unique Redis prefix per test file (and call), so files never see each other's keys. */
export function uniquePrefix(name: string): string {
  return `t-${name}-${randomBytes(3).toString('hex')}`;
}

/** Environment for an in-process service under test, as the CLI would load it. */
export function testEnvVars(name: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL: inject('redisUrl'),
    LINKER_REDIS_PREFIX: uniquePrefix(name),
    LINKER_ENCRYPTION_KEYS: `test1:${randomBytes(32).toString('base64')}`,
    LINKER_PLATFORMS: Object.entries(PLATFORMS).map(([id, token]) => `${id}:${token}`).join(','),
    LINKER_ADMIN_TOKEN: ADMIN_TOKEN,
    LINKER_WEBHOOK_ALLOWED_NETS: '127.0.0.0/8,::1/128',
    LINKER_WEBHOOK_RETRY_SCHEDULE: '50ms,100ms',
    LINKER_WEBHOOK_TIMEOUT: '2s',
    LINKER_BACKOFF_BASE: '50ms',
    LINKER_BACKOFF_MAX: '200ms',
    LINKER_PROVIDER_TIMEOUT: '2s',
    LINKER_LOCK_DURATION: '5s',
    LINKER_SHUTDOWN_TIMEOUT: '5s',
    // debug: request lines too, so every secret scan over the logs also reads what each request logged.
    LINKER_LOG_LEVEL: 'debug',
    ...overrides,
  };
}

export function testEnv(name: string, overrides: Record<string, string> = {}): Env {
  return loadEnv(testEnvVars(name, overrides));
}
