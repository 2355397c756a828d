import { Cluster, Redis, type RedisOptions } from 'ioredis';

export type RedisClient = Redis | Cluster;

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Opens a Redis connection. A URL of the form `redis+cluster://host1:port1,host2:port2` opens a
 * Redis Cluster client. `maxRetriesPerRequest: null` is what BullMQ workers need: commands wait for
 * a reconnect instead of failing while Redis restarts.
 */
export function createRedis(url: string = DEFAULT_REDIS_URL, options: RedisOptions = {}): RedisClient {
  const base: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, ...options };
  if (url.startsWith('redis+cluster://')) {
    const nodes = url
      .slice('redis+cluster://'.length)
      .split(',')
      .map((hostPort) => {
        const [host, port] = hostPort.split(':');
        return { host: host ?? '127.0.0.1', port: Number(port ?? 6379) };
      });
    return new Cluster(nodes, { redisOptions: base, enableReadyCheck: true });
  }
  return new Redis(url, base);
}
