import { randomBytes } from 'node:crypto';
import { startSimulator, type Simulator } from '../src/sim/index.js';
import { createRedis, type RedisClient } from '../src/store/redis-client.js';
import { deleteByPrefix } from '../src/store/delete-prefix.js';
import { startReceiver, type Receiver } from './receiver.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';
import { ServiceClient } from './service-client.js';

/** The service in its own process with its own Redis prefix, the simulator and a subscribed webhook receiver. */
export interface BenchService {
  prefix: string;
  redis: RedisClient;
  sim: Simulator;
  receiver: Receiver;
  service: ServiceProcess;
  client: ServiceClient;
  /** Stops everything and removes every key the service wrote. */
  close(): Promise<void>;
}

export async function startBenchService(options: { redisUrl: string; concurrency?: number; env?: Record<string, string> }): Promise<BenchService> {
  // Short, as the default `al` is: key names are part of what is measured.
  const prefix = `b${randomBytes(2).toString('hex')}`;
  const redis = createRedis(options.redisUrl);
  const sim = await startSimulator({ rateLimit: false });
  const receiver = await startReceiver();
  const service = await startServiceProcess({ redisUrl: options.redisUrl, prefix, simUrl: sim.url, concurrency: options.concurrency ?? 50, env: options.env });
  const client = new ServiceClient(service.url);
  await client.subscribe(receiver.url);
  return {
    prefix,
    redis,
    sim,
    receiver,
    service,
    client,
    async close() {
      await client.close();
      await service.stop();
      await receiver.close();
      await sim.close();
      await deleteByPrefix(redis, prefix);
      await redis.quit();
    },
  };
}
