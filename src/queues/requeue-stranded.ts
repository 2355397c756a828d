import { encodeTime } from 'ulid';
import type { Runtime } from '../runtime/runtime.js';
import { key, platformBase } from '../store/keys.js';
import { ID_PREFIX } from '../domain/ids.js';
import { UNFINISHED_STATUSES } from '../domain/connect-request-state.js';
import { jobIdOf } from './work-job.js';
import { bulkRuns, type RequestRef } from './producers.js';

export interface RequeueOptions {
  /** Only requests created longer ago than this are looked at: younger ones may be mid-submit. Default 60 s. */
  olderThanMs?: number;
  /** Most requests checked per platform and status in one pass. Default 2000. */
  limit?: number;
  now?: number;
}

/** A request as the sweep reads it: enough to name the job that owns it. */
interface Candidate extends RequestRef {
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
 */
export async function requeueStranded(rt: Runtime, options: RequeueOptions = {}): Promise<number> {
  const { olderThanMs = 60_000, limit = 2000, now = Date.now() } = options;
  // Ids are ULIDs: everything lexicographically below this bound was created before the cut-off.
  const bound = `(${ID_PREFIX.connectRequest}${encodeTime(now - olderThanMs, 10).toLowerCase()}`;
  let requeued = 0;
  for (const platformId of await rt.platforms.ids()) {
    const base = platformBase(rt.env.LINKER_REDIS_PREFIX, platformId);
    // Requests of one bulk batch are read once per pass, however many of them are looked at.
    const batches = new Map<string, Promise<RequestRef[]>>();
    const membersOf = (batchId: string) => batches.get(batchId) ?? batches.set(batchId, readBatch(rt, base, batchId)).get(batchId)!;
    for (const status of UNFINISHED_STATUSES) {
      const ids = await rt.redis.zrange(key.requestsByStatus(base, status), '-', bound, 'BYLEX', 'LIMIT', 0, limit);
      const candidates = await readCandidates(rt, base, ids);
      const owners = await Promise.all(candidates.map(async (c) => ownerOf(rt, platformId, c, c.batchId && (await membersOf(c.batchId)))));
      const pipeline = rt.queueRedis.pipeline();
      for (const [i, owner] of owners.entries()) pipeline.exists(rt.producers.validateQueueOf(platformId, candidates[i]!.tenantId).toKey(owner.jobId));
      const exists = ((await pipeline.exec()) ?? []).map(([, n]) => Number(n) > 0);
      for (const [i, owner] of owners.entries()) {
        if (exists[i]) continue;
        await owner.requeue();
        requeued += 1;
      }
    }
  }
  return requeued;
}

async function readCandidates(rt: Runtime, base: string, ids: string[]): Promise<Candidate[]> {
  const pipeline = rt.redis.pipeline();
  for (const id of ids) {
    pipeline.hmget(key.request(base, id), 'tenantId', 'batchId');
    pipeline.llen(key.requestAttempts(base, id));
  }
  const replies = ((await pipeline.exec()) ?? []).map(([, value]) => value);
  return ids.flatMap((id, i) => {
    const [tenantId, batchId] = replies[2 * i] as (string | null)[];
    return tenantId ? [{ id, tenantId, batchId: batchId ?? '', recorded: Number(replies[2 * i + 1]) }] : [];
  });
}

/** The job that owns a request (`batch`: its bulk batch's requests, when it has one), and how to queue it again. */
function ownerOf(rt: Runtime, platformId: string, c: Candidate, batch: RequestRef[] | ''): { jobId: string; requeue: () => Promise<void> } {
  const attempt = c.recorded + 1;
  if (c.recorded > 0 || !batch) {
    return {
      jobId: jobIdOf({ kind: 'one', platformId, id: c.id, attempt }),
      requeue: () => rt.producers.enqueueAttempt(platformId, c, attempt, 0),
    };
  }
  const queue = rt.producers.validateQueueOf(platformId, c.tenantId);
  const sameShard = batch.filter((r) => rt.producers.validateQueueOf(platformId, r.tenantId) === queue);
  const ids = bulkRuns(sameShard.map((r) => r.id)).find((run) => run.includes(c.id)) ?? [c.id];
  const byId = new Map(sameShard.map((r) => [r.id, r]));
  const run = ids.map((id) => byId.get(id) ?? c);
  return {
    jobId: jobIdOf({ kind: 'batch', platformId, ids }),
    requeue: () => rt.producers.enqueueValidations(platformId, run, { batchId: c.batchId }),
  };
}

async function readBatch(rt: Runtime, base: string, batchId: string): Promise<RequestRef[]> {
  const ids = await rt.redis.zrange(key.requestsByBatch(base, batchId), 0, -1);
  const tenants = await Promise.all(ids.map((id) => rt.redis.hget(key.request(base, id), 'tenantId')));
  return ids.flatMap((id, i) => (tenants[i] ? [{ id, tenantId: tenants[i] }] : []));
}
