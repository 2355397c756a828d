import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../helpers/redis-servers.js';
import { startService, type ServiceProcess } from '../helpers/service-process.js';
import { testEnvVars } from '../helpers/test-env.js';

let evicting: Awaited<ReturnType<typeof startRedisServer>>;
let safe: Awaited<ReturnType<typeof startRedisServer>>;
const started: ServiceProcess[] = [];

beforeAll(async () => {
  [evicting, safe] = await Promise.all([startRedisServer(['--maxmemory-policy', 'allkeys-lru']), startRedisServer(['--maxmemory-policy', 'noeviction'])]);
});
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await Promise.all([evicting?.stop(), safe?.stop()]);
});

describe('maxmemory-policy check at start', () => {
  it('a worker on an evicting Redis warns loudly, naming the policy and the fix', async () => {
    const worker = await startService('worker', testEnvVars('policy', { REDIS_URL: evicting.url }));
    started.push(worker);
    const warning = worker.output.find((line) => line.includes('maxmemory-policy'));
    expect(warning).toBeDefined();
    expect(warning).toContain('"level":40');
    expect(warning).toContain('allkeys-lru');
    expect(warning).toContain('CONFIG SET maxmemory-policy noeviction');
  });

  it('says nothing on a noeviction Redis', async () => {
    const api = await startService('api', testEnvVars('policy', { REDIS_URL: safe.url }));
    started.push(api);
    expect(api.output.filter((line) => line.includes('maxmemory-policy'))).toEqual([]);
  });
});
