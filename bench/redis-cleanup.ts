import type { RedisClient } from '../src/store/redis-client.js';

/** Deletes every key matching `pattern` (SCAN + UNLINK), so a bench run leaves the shared Redis as it found it. */
export async function deleteKeys(redis: RedisClient, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await (redis as import('ioredis').Redis).scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
    cursor = next;
    if (keys.length) deleted += await (redis as import('ioredis').Redis).unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
