import type { RedisClient } from './redis-client.js';
import { key, ShardBases } from './keys.js';
import { CONFIRMATIONS, REQUEST_STATUSES } from '../domain/connect-request-state.js';
import { shardOfId } from '../domain/shards.js';
import type { Batch } from '../domain/schemas/batch.js';

/** What the store keeps of a batch; its progress (position, ETA, pause) comes from the queues. */
export type StoredBatch = Omit<Batch, 'position' | 'estimatedCompletionAt' | 'paused'>;

/**
 * A batch's counters live beside its requests, one hash per data shard it has requests in (the
 * request scripts keep each in step with its shard), plus one in its home shard (named by its id)
 * that exists from the start. This only reads them: the sums are the batch.
 */
export class BatchStore {
  private readonly bases: ShardBases;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.bases = new ShardBases(prefix);
  }

  async get(platformId: string, id: string): Promise<StoredBatch | null> {
    const shards = await Promise.all(this.bases.all(platformId).map((base) => this.redis.hgetall(key.batch(base, id))));
    // Each part expires with its shard's last request (retention), the home part with none of its
    // requests at creation: the batch lives as long as any part.
    const present = shards.filter((h) => h.id);
    const home = shards[shardOfId(id)]!.id ? shards[shardOfId(id)]! : present[0];
    if (!home) return null;
    const sum = (field: string) => present.reduce((total, h) => total + Math.max(0, Number(h[field] ?? 0)), 0);
    // Each shard marks itself complete when its last request is final; the batch is complete when all are.
    const completedAt = present.every((h) => h.completedAt) ? present.map((h) => h.completedAt!).sort().at(-1)! : null;
    return {
      id,
      total: sum('total'),
      counts: Object.fromEntries(REQUEST_STATUSES.map((s) => [s, sum(`s:${s}`)])) as Batch['counts'],
      confirmation: Object.fromEntries(CONFIRMATIONS.map((c) => [c, sum(`c:${c}`)])) as Batch['confirmation'],
      createdAt: home.createdAt!,
      completedAt,
    };
  }
}
