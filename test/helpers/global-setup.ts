import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';

/**
 * Tests use the Redis at REDIS_URL (default 127.0.0.1:6379). When nothing answers there and Docker
 * is available, testcontainers starts one, so the suite also runs on a laptop with only Docker.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1500 });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    project.provide('redisUrl', url);
    return;
  } catch {
    // fall through to testcontainers
  } finally {
    probe.disconnect();
  }
  const { GenericContainer } = await import('testcontainers');
  const container = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).withCommand(['redis-server', '--maxmemory-policy', 'noeviction']).start();
  project.provide('redisUrl', `redis://${container.getHost()}:${container.getMappedPort(6379)}`);
  return async () => {
    await container.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
