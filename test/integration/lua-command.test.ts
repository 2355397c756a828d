import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedis, type RedisClient } from '../../src/store/redis-client.js';
import { luaCommand } from '../../src/store/lua-command.js';
import { startRedisServer } from '../helpers/redis-servers.js';

// A private server: SCRIPT FLUSH empties the script cache of every client of a server.
let server: Awaited<ReturnType<typeof startRedisServer>>;
let redis: RedisClient;
beforeAll(async () => {
  server = await startRedisServer([]);
  redis = createRedis(server.url, { enableAutoPipelining: true });
});
afterAll(async () => {
  await redis.quit();
  await server.stop();
});

it('runs a script by its SHA and loads it again when Redis lost it', async () => {
  const source = "return redis.call('APPEND', KEYS[1], ARGV[1])";
  const sha = createHash('sha1').update(source).digest('hex');
  const append = luaCommand(redis, 'test_append', () => source);
  expect(await append(1, 'k', 'ab')).toBe(2);
  await redis.script('FLUSH');
  expect(await redis.script('EXISTS', sha)).toEqual([0]);
  // Several calls at once, in one pipelined write: each finds the script missing and runs it whole, once.
  expect(await Promise.all([append(1, 'k', 'c'), append(1, 'k', 'd')])).toEqual([3, 4]);
  expect(await redis.get('k')).toBe('abcd');
  expect(await redis.script('EXISTS', sha)).toEqual([1]);
});

it('passes on what the script itself raised', async () => {
  const fail = luaCommand(redis, 'test_fail', () => "return redis.error_reply('BAD the argument ' .. ARGV[1])");
  await expect(fail(0, 'x')).rejects.toThrow('BAD the argument x');
});
