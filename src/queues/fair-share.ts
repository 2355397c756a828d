import { readFileSync } from 'node:fs';
import type { Queue } from 'bullmq';
import type { RedisClient } from '../store/redis-client.js';
import { luaCommand, type LuaCommand } from '../store/lua-command.js';

const lua = readFileSync(new URL('./fair-share.lua', import.meta.url), 'utf8');

/** How long a batch's last priority is kept for its position: far longer than any batch waits. */
const BATCH_PRIORITY_TTL_S = 30 * 24 * 3600;

/** BullMQ's prioritized score: priority in the high bits, a counter in the low 32. */
const PRIORITY_UNIT = 2 ** 32;

/**
 * BullMQ priorities for bulk jobs so that platforms with backlogs share validation by weight
 * (LINKER_PLATFORM_WEIGHTS, default 1): see fair-share.lua. Computed atomically in the queue shard's
 * own slot, so any number of API processes agree. Interactive work (single links, Hub links,
 * retries) carries no priority at all: BullMQ serves its wait list before any prioritized job.
 */
export class FairShare {
  private readonly command: LuaCommand;

  constructor(
    private readonly redis: RedisClient,
    private readonly weights: ReadonlyMap<string, number>,
  ) {
    this.command = luaCommand(redis, 'al_fairShare', () => lua);
  }

  /** Priorities for `count` jobs of bulk batch `batchId` of `platformId` about to be added to `queue`, in order. */
  async priorities(queue: Queue, platformId: string, batchId: string, count: number): Promise<number[]> {
    const keys = [queue.keys.prioritized!, queue.toKey('fair-rounds'), batchKey(queue, batchId)];
    return (await this.command(keys.length, ...keys, platformId, this.weights.get(platformId) ?? 1, count, BATCH_PRIORITY_TTL_S)) as number[];
  }

  /**
   * Jobs `queue` serves before the last job of batch `batchId` (its own included) and the
   * unprioritized jobs waiting ahead of all bulk work; 0 once the batch's jobs were all taken.
   */
  async jobsAhead(queue: Queue, batchId: string): Promise<number> {
    const last = await this.redis.get(batchKey(queue, batchId));
    if (!last) return 0;
    const [prioritized, waiting] = await Promise.all([
      this.redis.zcount(queue.keys.prioritized!, '-inf', `(${(Number(last) + 1) * PRIORITY_UNIT}`),
      this.redis.llen(queue.keys.wait!),
    ]);
    return prioritized === 0 ? 0 : prioritized + waiting;
  }
}

const batchKey = (queue: Queue, batchId: string) => queue.toKey(`batch-priority:${batchId}`);
