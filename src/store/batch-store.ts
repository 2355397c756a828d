import type { RedisClient } from './redis-client.js';
import { key, platformBase } from './keys.js';
import { CONFIRMATIONS, REQUEST_STATUSES } from '../domain/connect-request-state.js';
import type { Batch } from '../domain/schemas/batch.js';

/** What the store keeps of a batch; its progress (position, ETA, pause) comes from the queues. */
export type StoredBatch = Omit<Batch, 'position' | 'estimatedCompletionAt' | 'paused'>;

/** Batch counters are written by the request scripts; this only reads them. */
export class BatchStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async get(platformId: string, id: string): Promise<StoredBatch | null> {
    const h = await this.redis.hgetall(key.batch(platformBase(this.prefix, platformId), id));
    if (!h.id) return null;
    const count = (field: string) => Math.max(0, Number(h[field] ?? 0));
    return {
      id,
      total: count('total'),
      counts: Object.fromEntries(REQUEST_STATUSES.map((s) => [s, count(`s:${s}`)])) as Batch['counts'],
      confirmation: Object.fromEntries(CONFIRMATIONS.map((c) => [c, count(`c:${c}`)])) as Batch['confirmation'],
      createdAt: h.createdAt!,
      completedAt: h.completedAt ?? null,
    };
  }
}
