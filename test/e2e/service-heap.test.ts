import { afterAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { deleteByPrefix } from '../../src/store/delete-prefix.js';
import { testEnvVars } from '../helpers/test-env.js';
import { startService, type ServiceProcess } from '../helpers/service-process.js';
import { scrape, total } from '../helpers/prometheus.js';

let service: ServiceProcess | undefined;
const env = testEnvVars('heap');

afterAll(async () => {
  await service?.stop();
  const redis = new Redis(inject('redisUrl'));
  await deleteByPrefix(redis, env.LINKER_REDIS_PREFIX!);
  await redis.quit();
});

describe('account-linker start', () => {
  // bin/account-linker.js sets V8 flags at run time; this fails if a Node.js or tsx upgrade stops them from taking effect.
  it('comes up with the small young generation the launcher sets, not the 32 MB start-up would grow', async () => {
    service = await startService('start', env);
    const newSpace = total(await scrape(service.url!), 'linker_nodejs_heap_space_size_total_bytes', { space: 'new' });
    expect(newSpace).toBeGreaterThan(0);
    expect(newSpace).toBeLessThanOrEqual(8 * 1024 * 1024);
  });
});
