import { encodeTime } from 'ulid';
import type { Runtime } from '../runtime/runtime.js';
import { key } from '../store/keys.js';
import { ID_PREFIX } from '../domain/ids.js';
import { UNFINISHED_STATUSES } from '../domain/connect-request-state.js';

export interface RequeueOptions {
  /** Only requests created longer ago than this are looked at: younger ones may be mid-submit. Default 60 s. */
  olderThanMs?: number;
  /** Most requests checked per platform, data shard and status in one pass. Default 2000. */
  limit?: number;
  now?: number;
}


/**
 * Finds unfinished requests with no validate job and queues them again. Storing a request and
 * enqueueing its job are two steps (the store and the queue live in different Redis slots), so an
 * API that dies between them, or a Redis that lost a job, leaves a request nobody works on.
 * A request has a job when its own (id = request id) exists, or, before its first attempt was
 * recorded, the job that attempt was queued in (stored with the request); a `retrying` request is
 * always carried by its own job. A stranded one is queued again in its own job, so a request that
 * does have one is never doubled.
 */
export async function requeueStranded(rt: Runtime, options: RequeueOptions = {}): Promise<number> {
  const { olderThanMs = 60_000, limit = 2000, now = Date.now() } = options;
  // Ids are ULIDs: everything lexicographically below this bound was created before the cut-off.
  const bound = `(${ID_PREFIX.connectRequest}${encodeTime(now - olderThanMs, 10).toLowerCase()}`;
  let requeued = 0;
  for (const platformId of await rt.platforms.ids()) {
    // Every data shard and unfinished status: these always have a validate job behind them.
    for (const base of rt.requests.bases.all(platformId)) {
      for (const status of UNFINISHED_STATUSES) {
        const ids = await rt.redis.zrange(key.requestsByStatus(base, status), '-', bound, 'BYLEX', 'LIMIT', 0, limit);
        if (ids.length === 0) continue;
        const firstJobs = status === 'retrying' ? ids : await rt.requests.validateJobsOf(platformId, ids);
        const pipeline = rt.queueRedis.pipeline();
        for (const [i, id] of ids.entries()) pipeline.exists(rt.producers.validate.toKey(id), rt.producers.validate.toKey(firstJobs[i] ?? id));
        const exists = ((await pipeline.exec()) ?? []).map(([, n]) => Number(n) > 0);
        const stranded = ids.filter((_, i) => !exists[i]);
        await rt.producers.enqueueValidations(platformId, stranded.map((requestId) => ({ requestId, jobId: requestId })));
        requeued += stranded.length;
      }
    }
  }
  return requeued;
}
