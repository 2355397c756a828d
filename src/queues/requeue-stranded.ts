import { encodeTime } from 'ulid';
import type { Runtime } from '../runtime/runtime.js';
import { key } from '../store/keys.js';
import { ID_PREFIX } from '../domain/ids.js';
import { UNFINISHED_STATUSES } from '../domain/connect-request-state.js';
import { jobIdOf } from './work-job.js';
import { bulkRuns } from './producers.js';

export interface RequeueOptions {
  /** Only requests created longer ago than this are looked at: younger ones may be mid-submit. Default 60 s. */
  olderThanMs?: number;
  /** Most requests checked per platform, data shard and status in one pass. Default 2000. */
  limit?: number;
  now?: number;
}

/** A request as the sweep reads it: enough to name the job that owns it. */
interface Candidate {
  id: string;
  batchId: string;
  recorded: number;
}

/**
 * Finds unfinished requests that no validate job owns and queues that job again. Storing a request
 * and enqueueing its job are two steps (the store and the queue live in different Redis slots), so
 * an API that dies between them, or a Redis that lost a job, leaves a request nobody works on.
 *
 * The owning job follows from the request alone (src/queues/work-job.ts): with attempts recorded,
 * or from a single submit, it is the `one` job for the next attempt; untried and from a bulk
 * submit, it is the batch job of its run (`bulkRuns` over its batch's requests in the same queue
 * shard). A missing job is added under its own id, so a request that does have one is never doubled.
 * Returns how many jobs were queued again.
 */
export async function requeueStranded(rt: Runtime, options: RequeueOptions = {}): Promise<number> {
  const { olderThanMs = 60_000, limit = 2000, now = Date.now() } = options;
  // Ids are ULIDs: everything lexicographically below this bound was created before the cut-off.
  const bound = `(${ID_PREFIX.connectRequest}${encodeTime(now - olderThanMs, 10).toLowerCase()}`;
  // Jobs queued again this pass: a batch job is named by several of its requests.
  const requeued = new Set<string>();
  for (const platformId of await rt.platforms.ids()) {
    // Requests of one bulk batch are read once per pass, however many of them are looked at.
    const batches = new Map<string, Promise<string[]>>();
    const membersOf = (batchId: string) => batches.get(batchId) ?? batches.set(batchId, readBatch(rt, platformId, batchId)).get(batchId)!;
    // Every data shard and unfinished status: these always have a validate job behind them.
    for (const base of rt.requests.bases.all(platformId)) {
      for (const status of UNFINISHED_STATUSES) {
        const ids = await rt.redis.zrange(key.requestsByStatus(base, status), '-', bound, 'BYLEX', 'LIMIT', 0, limit);
        if (ids.length === 0) continue;
        const candidates = await readCandidates(rt, base, ids);
        const owners = await Promise.all(candidates.map(async (c) => ownerOf(rt, platformId, c, c.batchId && (await membersOf(c.batchId)))));
        const pipeline = rt.queueRedis.pipeline();
        for (const [i, owner] of owners.entries()) pipeline.exists(rt.producers.validateQueueOf(candidates[i]!.id).toKey(owner.jobId));
        const exists = ((await pipeline.exec()) ?? []).map(([, n]) => Number(n) > 0);
        for (const [i, owner] of owners.entries()) {
          if (exists[i] || requeued.has(owner.jobId)) continue;
          await owner.requeue();
          requeued.add(owner.jobId);
        }
      }
    }
  }
  return requeued.size;
}

async function readCandidates(rt: Runtime, base: string, ids: string[]): Promise<Candidate[]> {
  const pipeline = rt.redis.pipeline();
  for (const id of ids) {
    pipeline.hmget(key.request(base, id), 'status', 'batchId');
    pipeline.llen(key.requestAttempts(base, id));
  }
  const replies = ((await pipeline.exec()) ?? []).map(([, value]) => value);
  return ids.flatMap((id, i) => {
    const [status, batchId] = replies[2 * i] as (string | null)[];
    return status ? [{ id, batchId: batchId ?? '', recorded: Number(replies[2 * i + 1]) }] : [];
  });
}

/** The job that owns a request (`batch`: its bulk batch's request ids, when it has one), and how to queue it again. */
function ownerOf(rt: Runtime, platformId: string, c: Candidate, batch: string[] | ''): { jobId: string; requeue: () => Promise<void> } {
  const attempt = c.recorded + 1;
  if (c.recorded > 0 || !batch) {
    return {
      jobId: jobIdOf({ kind: 'one', platformId, id: c.id, attempt }),
      requeue: () => rt.producers.enqueueAttempt(platformId, c.id, attempt, 0),
    };
  }
  const queue = rt.producers.validateQueueOf(c.id);
  const sameShard = batch.filter((id) => rt.producers.validateQueueOf(id) === queue);
  const run = bulkRuns(sameShard).find((ids) => ids.includes(c.id)) ?? [c.id];
  return {
    jobId: jobIdOf({ kind: 'batch', platformId, ids: run }),
    requeue: () => rt.producers.enqueueValidations(platformId, run, { batchId: c.batchId }),
  };
}

/** Every request id of a batch, from each data shard's index. */
async function readBatch(rt: Runtime, platformId: string, batchId: string): Promise<string[]> {
  const perShard = await Promise.all(rt.requests.bases.all(platformId).map((base) => rt.redis.zrange(key.requestsByBatch(base, batchId), 0, -1)));
  return perShard.flat();
}
