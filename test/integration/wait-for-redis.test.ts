import { createServer } from 'node:net';
import { expect, inject, it } from 'vitest';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { createRedis } from '../../src/store/redis-client.js';
import { waitForRedis } from '../../src/cli/wait-for-redis.js';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

it('says, while it waits, which Redis does not answer, without its password', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const url = `redis://app:s3cret-pass@127.0.0.1:${await closedPort()}`;
  const redis = createRedis(url, { retryStrategy: () => 20 });
  redis.on('error', () => {});
  // Never settles while nothing answers: the client keeps retrying.
  void waitForRedis(redis, url, logger, 50).catch(() => {});
  await expect.poll(() => lines.length, { timeout: 5000 }).toBeGreaterThan(1);
  redis.disconnect();
  expect(lines[0]).toContain('still waiting for Redis at redis://app:***@127.0.0.1:');
  expect(lines.join('')).not.toContain('s3cret-pass');
});

it('returns as soon as Redis answers, with nothing to say', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const url = inject('redisUrl');
  const redis = createRedis(url);
  await waitForRedis(redis, url, logger, 50);
  await redis.quit();
  expect(lines).toEqual([]);
});
