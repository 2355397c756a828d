import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from '../../src/config/env.js';

describe('REDIS_URL', () => {
  it.each(['redis://127.0.0.1:6379', 'redis://:secret@redis:6379/2', 'rediss://cache.example:6380', 'redis+cluster://10.0.0.1:7000,10.0.0.2:7000,10.0.0.3:7000'])('accepts %s', (url) => {
    expect(loadEnv({ REDIS_URL: url }).REDIS_URL).toBe(url);
  });

  it.each(['http://127.0.0.1:6379', 'localhost:6379', 'redis+cluster://10.0.0.1', 'redis+cluster://10.0.0.1:7000,'])('refuses %s, naming the variable', (url) => {
    expect(() => loadEnv({ REDIS_URL: url })).toThrow(ConfigError);
    expect(() => loadEnv({ REDIS_URL: url })).toThrow(/REDIS_URL: must be redis:\/\//);
  });
});
