import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from '../../src/config/env.js';

describe('environment validation', () => {
  it('applies the documented defaults', () => {
    const env = loadEnv({});
    expect(env.LINKER_HOST).toBe('127.0.0.1');
    expect(env.LINKER_PORT).toBe(3000);
    expect(env.LINKER_VALIDATION_ATTEMPTS).toBe(8);
    expect(env.LINKER_WEBHOOK_RETRY_SCHEDULE).toEqual([5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(env.LINKER_WEBHOOK_ALLOWED_NETS).toEqual([]);
    expect(env.LINKER_RETENTION).toBe(30 * 24 * 3600_000);
    expect(env.LINKER_ACCOUNT_HISTORY).toBe(50);
    expect(env.LINKER_MAX_ENDPOINTS_PER_PLATFORM).toBe(10);
  });

  it('takes retention in days', () => {
    expect(loadEnv({ LINKER_RETENTION: '90d' }).LINKER_RETENTION).toBe(90 * 24 * 3600_000);
    expect(loadEnv({ LINKER_RETENTION: '2s' }).LINKER_RETENTION).toBe(2000);
  });

  it('parses durations and lists', () => {
    const env = loadEnv({ LINKER_WEBHOOK_RETRY_SCHEDULE: '50ms,100ms', LINKER_WEBHOOK_ALLOWED_NETS: '127.0.0.0/8, ::1/128' });
    expect(env.LINKER_WEBHOOK_RETRY_SCHEDULE).toEqual([50, 100]);
    expect(env.LINKER_WEBHOOK_ALLOWED_NETS).toEqual(['127.0.0.0/8', '::1/128']);
  });

  it.each([
    ['LINKER_PORT', 'abc'],
    ['LINKER_VALIDATION_ATTEMPTS', '0'],
    ['LINKER_WEBHOOK_RETRY_SCHEDULE', '5 parsecs'],
    ['REDIS_URL', 'not a url'],
    ['LINKER_LOG_LEVEL', 'loud'],
    ['LINKER_RETENTION', '0s'],
    ['LINKER_RETENTION', 'a month'],
    ['LINKER_ACCOUNT_HISTORY', '0'],
    ['LINKER_MAX_ENDPOINTS_PER_PLATFORM', '-1'],
  ])('a bad %s stops start-up with a message naming it', (name, value) => {
    expect(() => loadEnv({ [name]: value })).toThrow(ConfigError);
    expect(() => loadEnv({ [name]: value })).toThrow(name);
  });
});
