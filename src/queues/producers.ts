import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../store/redis-client.js';
import { queuePrefix } from '../store/keys.js';
import { QUEUE } from './queue-names.js';
import {
  DELIVER_JOB,
  REVALIDATE_JOB,
  type DeliverJobData,
  type FirstAttemptsJobData,
  type RevalidateJobData,
  type RevalidateSweepJobData,
} from './job-payloads.js';
import { SWEEP_JOB_OPTIONS, deliverJobOptions, firstAttemptsJobOptions, revalidateJobOptions } from './job-options.js';
import { TickBatcher } from './tick-batcher.js';
import { firstAttemptsJobId } from './first-attempts-jobs.js';
import { BATCH_SIZE, chunks, workJobEntry, type WorkJob } from './work-job.js';
import { ShardedQueue, dataShardOf, queueShardOf } from './queue-shards.js';
import { FairShare } from './fair-share.js';

/** A stored request, as much as the producers need to place its jobs. */
export interface RequestRef {
  id: string;
  tenantId: string;
}

export interface ProducerSettings {
  prefix: string;
  /** LINKER_QUEUE_SHARDS. */
  queueShards: number;
  /** LINKER_PLATFORM_WEIGHTS. */
  platformWeights: ReadonlyMap<string, number>;
  /** Most messages one first-attempts deliver job carries (they are sent concurrently). Default 50. */
  firstAttemptsPerJob?: number;
  validationAttempts: number;
  /** Retries after the first delivery attempt (length of the webhook schedule). */
  webhookRetries: number;
}

/**
 * addBulk for many jobs (one round trip), add for one: addBulk builds an ioredis pipeline, which
 * copies every Lua command BullMQ defined on the connection, and with one job per finished request
 * that copying was ~7 % of the service's CPU.
 */
async function addAll(queue: Queue, jobs: { name: string; data: unknown; opts: JobsOptions }[]): Promise<void> {
  const [only] = jobs;
  if (jobs.length === 1 && only) await queue.add(only.name, only.data, only.opts);
  else if (jobs.length > 1) await queue.addBulk(jobs);
}

/** Enqueues work. Job ids derive from record ids, so enqueueing the same record twice is a no-op. */
export class Producers {
  readonly validate: ShardedQueue<WorkJob>;
  private readonly fairShare: FairShare;
  readonly deliver: Queue<DeliverJobData | FirstAttemptsJobData>;
  private readonly firstAttempts = new TickBatcher<DeliverJobData>((items) => this.addFirstAttempts(items));
  readonly revalidate: Queue<RevalidateJobData | RevalidateSweepJobData>;

  constructor(
    connection: RedisClient,
    private readonly settings: ProducerSettings,
  ) {
    const prefix = queuePrefix(settings.prefix);
    this.validate = new ShardedQueue<WorkJob>(QUEUE.validate, connection, settings.prefix, settings.queueShards);
    this.fairShare = new FairShare(connection, settings.platformWeights);
    this.deliver = new Queue<DeliverJobData | FirstAttemptsJobData>(QUEUE.deliver, { connection, prefix });
    this.revalidate = new Queue<RevalidateJobData | RevalidateSweepJobData>(QUEUE.revalidate, { connection, prefix });
  }

  /** The validate queue shard a platform's tenant belongs to. */
  validateQueueOf(platformId: string, tenantId: string): Queue<WorkJob> {
    return this.validate.of(dataShardOf(platformId, tenantId));
  }

  /**
   * First attempts of stored requests. Interactive ones (single and Hub links) each get a `one` job
   * without priority, which BullMQ serves before any bulk work. A bulk submit's (`batchId`) go into
   * batch jobs (`bulkRuns`, per queue shard) with fair-share priorities. Job ids are deterministic, so queueing
   * the same requests again (a retried submit, the stranded-request sweep) adds nothing twice.
   */
  async enqueueValidations(platformId: string, requests: RequestRef[], { batchId }: { batchId?: string }): Promise<void> {
    const byShard = groupBy(requests, (r) => String(queueShardOf(dataShardOf(platformId, r.tenantId), this.validate.shards.length)), (r) => r.id);
    await Promise.all(
      [...byShard].map(async ([shard, ids]) => {
        const queue = this.validate.shards[Number(shard)]!;
        if (batchId === undefined) return addAll(queue, ids.map((id) => workJobEntry({ kind: 'one', platformId, id, attempt: 1 })));
        const runs = bulkRuns(ids);
        const priorities = await this.fairShare.priorities(queue, platformId, batchId, runs.length);
        return addAll(queue, runs.map((run, i) => workJobEntry({ kind: 'batch', platformId, ids: run }, { priority: priorities[i] })));
      }),
    );
  }

  /** Requests of other work the validate queues serve before bulk batch `batchId` is through (approximate: whole jobs). */
  async queuedAhead(batchId: string): Promise<number> {
    const jobs = await Promise.all(this.validate.shards.map((queue) => this.fairShare.jobsAhead(queue, batchId)));
    return jobs.reduce((a, b) => a + b, 0) * BATCH_SIZE;
  }

  /** Attempt `attempt` of a request (a retry, a wait after a 429), `delayMs` from now, ahead of bulk work. */
  async enqueueAttempt(platformId: string, request: RequestRef, attempt: number, delayMs: number): Promise<void> {
    const job = workJobEntry({ kind: 'one', platformId, id: request.id, attempt }, { delay: Math.max(0, Math.round(delayMs)) });
    await this.validateQueueOf(platformId, request.tenantId).add(job.name, job.data, job.opts);
  }

  /**
   * First attempts of newly published messages. Messages published in the same event-loop turn
   * share a job (one queue write and one job run for many results instead of one each); resolves
   * once the job holding these messages is stored.
   */
  enqueueFirstAttempts(platformId: string, messageIds: string[]): Promise<void> {
    return this.firstAttempts.add(messageIds.map((messageId) => ({ platformId, messageId })));
  }

  private async addFirstAttempts(items: DeliverJobData[]): Promise<void> {
    const perJob = this.settings.firstAttemptsPerJob ?? 50;
    const byPlatform = groupBy(items, (i) => i.platformId, (i) => i.messageId);
    const jobs = [...byPlatform].flatMap(([platformId, messageIds]) =>
      chunks(messageIds, perJob).map((ids) => ({
        name: DELIVER_JOB.firstAttempts,
        data: { platformId, messageIds: ids },
        opts: { ...firstAttemptsJobOptions, jobId: firstAttemptsJobId(ids) },
      })),
    );
    await addAll(this.deliver, jobs);
  }

  /**
   * A message's own job: the retries after its first attempt (`attemptsBefore` 1, first run
   * `delayMs` from now) or a manual redelivery (`run` keeps its id apart from earlier runs).
   */
  async enqueueDelivery(data: DeliverJobData, { delayMs = 0, run = 0 }: { delayMs?: number; run?: number } = {}): Promise<void> {
    const opts = deliverJobOptions(this.settings.webhookRetries + 1 - (data.attemptsBefore ?? 0));
    await this.deliver.add(DELIVER_JOB.deliver, data, { ...opts, delay: delayMs, jobId: run ? `${data.messageId}-r${run}` : data.messageId });
  }

  /**
   * A platform asked for a check. It takes the place of the account's scheduled check still
   * waiting for its slot; if a check is already running or about to, that one serves (its id is
   * returned).
   */
  async enqueueRevalidation(data: RevalidateJobData): Promise<string | undefined> {
    const opts = revalidateJobOptions(this.settings.validationAttempts);
    const job = await this.revalidate.add(REVALIDATE_JOB.check, data, { ...opts, deduplication: { id: revalidationId(data), replace: true } });
    return job.id;
  }

  /**
   * Scheduled checks, `spacingMs` apart starting `firstDelayMs` from now. An account whose
   * previous check is still queued or running keeps that one: one check per account at a time.
   */
  async enqueueScheduledRevalidations(jobs: RevalidateJobData[], firstDelayMs: number, spacingMs: number): Promise<void> {
    if (jobs.length === 0) return;
    const opts = revalidateJobOptions(this.settings.validationAttempts);
    await this.revalidate.addBulk(
      jobs.map((data, i) => ({
        name: REVALIDATE_JOB.check,
        data,
        opts: { ...opts, delay: Math.round(firstDelayMs + i * spacingMs), deduplication: { id: revalidationId(data) } },
      })),
    );
  }

  /** Creates or updates the one repeating sweep; every process may call it, the scheduler id keeps it single. */
  async scheduleRevalidationSweep(everyMs: number): Promise<void> {
    await this.revalidate.upsertJobScheduler('revalidate-sweep', { every: everyMs }, { name: REVALIDATE_JOB.sweep, data: {}, opts: SWEEP_JOB_OPTIONS });
  }

  async close(): Promise<void> {
    await Promise.all([this.validate.close(), this.deliver.close(), this.revalidate.close()]);
  }
}

/**
 * The batch jobs of one bulk submit in one queue shard: runs of its request ids in id order. The
 * order makes them a function of the batch's requests alone, so the stranded-request sweep can name
 * them again from the batch.
 */
export function bulkRuns(ids: string[]): string[][] {
  return chunks([...ids].sort());
}

/** Map.groupBy (Node 21+) with the values mapped. */
function groupBy<T, V>(items: T[], keyOf: (item: T) => string, valueOf: (item: T) => V): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item));
    if (group) group.push(valueOf(item));
    else groups.set(keyOf(item), [valueOf(item)]);
  }
  return groups;
}

/** One deduplication id per account: BullMQ then holds at most one check of its key at a time. */
const revalidationId = (data: RevalidateJobData) => `${data.platformId}:${data.accountId}`;
