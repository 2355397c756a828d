import type { RedisClient } from './redis-client.js';
import { globalKey } from './keys.js';

/** Width of one counting bucket, and how many past buckets the rate looks at. */
const BUCKET_MS = 10_000;
const WINDOW_BUCKETS = 6;

/**
 * How fast validation finishes requests, all worker processes together: the rate behind a batch's
 * `estimatedCompletionAt` and a 429's Retry-After. Workers add what each job finished (one write
 * per job, not per request) to a 10 s bucket; the rate is the last minute's full buckets.
 */
export class DrainMeter {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private bucketKey(bucket: number): string {
    return globalKey(this.prefix, `drained:${bucket}`);
  }

  async record(finished: number, now = Date.now()): Promise<void> {
    if (finished <= 0) return;
    const key = this.bucketKey(Math.floor(now / BUCKET_MS));
    // Two commands rather than MULTI: the connection pipelines them into one write, and a MULTI
    // costs ioredis a pipeline object per job. A bucket left without its expiry (a crash between
    // the two) is one counter that a later job of the same 10 s gives its expiry.
    await Promise.all([this.redis.incrby(key, finished), this.redis.pexpire(key, BUCKET_MS * (WINDOW_BUCKETS + 2))]);
  }

  /** Requests finished per second over the last minute; 0 when nothing finished. */
  async perSecond(now = Date.now()): Promise<number> {
    const current = Math.floor(now / BUCKET_MS);
    const keys = Array.from({ length: WINDOW_BUCKETS }, (_, i) => this.bucketKey(current - 1 - i));
    const counts = await this.redis.mget(...keys);
    const total = counts.reduce((sum, c) => sum + Number(c ?? 0), 0);
    return total / ((WINDOW_BUCKETS * BUCKET_MS) / 1000);
  }
}
