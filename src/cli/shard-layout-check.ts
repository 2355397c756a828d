import type { Logger } from 'pino';
import type { Runtime } from '../runtime/runtime.js';
import { DATA_SHARDS } from '../domain/shards.js';
import { QUEUE } from '../queues/queue-names.js';
import { ShardedQueue } from '../queues/queue-shards.js';
import { checkShardLayout } from '../store/shard-layout.js';

/** Job states that still have work ahead. */
const PENDING_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused'] as const;

/** Jobs waiting in `queueShards` validate and deliver queue shards, plus every platform's unfinished requests. */
async function pendingWork(rt: Runtime, queueShards: number): Promise<number> {
  let pending = 0;
  for (const name of [QUEUE.validate, QUEUE.deliver]) {
    const queue = new ShardedQueue(name, rt.queueRedis, rt.env.LINKER_REDIS_PREFIX, queueShards);
    try {
      const counts = await queue.getJobCounts(...PENDING_STATES);
      pending += Object.values(counts).reduce((sum, n) => sum + n, 0);
    } finally {
      await queue.close();
    }
  }
  for (const platformId of await rt.platforms.ids()) pending += await rt.requests.pendingCount(platformId);
  return pending;
}

/**
 * Start-up step of every process: records the data- and queue-shard counts on first start and
 * refuses (throws, naming how to drain) a change that would strand work or hide records written by
 * a release before the shards (src/store/shard-layout.ts).
 */
export async function refuseUnsafeShardLayout(rt: Runtime, logger: Logger): Promise<void> {
  const wanted = { dataShards: DATA_SHARDS, queueShards: rt.env.LINKER_QUEUE_SHARDS };
  const check = await checkShardLayout(rt.redis, rt.env.LINKER_REDIS_PREFIX, wanted, (recorded) => pendingWork(rt, recorded.queueShards), await rt.platforms.ids());
  if (check.result === 'changed') logger.warn({ from: check.from, to: wanted }, 'shard layout changed with nothing pending; recorded the new one');
}
