import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../store/redis-client.js';
import { queuePrefix } from '../store/keys.js';
import { QUEUE } from './queue-names.js';
import { REVALIDATE_JOB, type RevalidateJobData, type RevalidateSweepJobData } from './job-payloads.js';
import { SWEEP_JOB_OPTIONS, revalidateJobOptions } from './job-options.js';
import { TickBatcher } from './tick-batcher.js';
import { BATCH_SIZE, chunks, workJobEntry, type WorkJob } from './work-job.js';
import { ShardedQueue } from './queue-shards.js';
import { shardOfId } from '../domain/shards.js';
import { FairShare } from './fair-share.js';

export interface ProducerSettings {
  prefix: string;
  /** LINKER_QUEUE_SHARDS. */
  queueShards: number;
  /** LINKER_PLATFORM_WEIGHTS. */
  platformWeights: ReadonlyMap<string, number>;
  validationAttempts: number;
}

/**
 * Most messages one deliver batch job carries. They are sent concurrently, so a job's run lasts
 * about one receiver round trip: more per job than validate's 20 costs nothing and saves job runs.
 */
const MESSAGES_PER_BATCH = 50;

/** A message to deliver; its queue shard follows from its data shard, which its id names. */
interface MessageRef {
  platformId: string;
  messageId: string;
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
  readonly deliver: ShardedQueue<WorkJob>;
  private readonly firstDeliveries = new TickBatcher<MessageRef>((items) => this.addDeliveryBatches(items));
  readonly revalidate: Queue<RevalidateJobData | RevalidateSweepJobData>;

  constructor(
    connection: RedisClient,
    private readonly settings: ProducerSettings,
  ) {
    const prefix = queuePrefix(settings.prefix);
    this.validate = new ShardedQueue<WorkJob>(QUEUE.validate, connection, settings.prefix, settings.queueShards);
    this.fairShare = new FairShare(connection, settings.platformWeights);
    this.deliver = new ShardedQueue<WorkJob>(QUEUE.deliver, connection, settings.prefix, settings.queueShards);
    this.revalidate = new Queue<RevalidateJobData | RevalidateSweepJobData>(QUEUE.revalidate, { connection, prefix });
  }

  /** The validate queue shard of a request: its data shard, which its id names. */
  validateQueueOf(requestId: string): Queue<WorkJob> {
    return this.validate.of(shardOfId(requestId));
  }

  /**
   * First attempts of stored requests. Interactive ones (single and Hub links) each get a `one` job
   * without priority, which BullMQ serves before any bulk work. A bulk submit's (`batchId`) go into
   * batch jobs (`bulkRuns`, per queue shard) with fair-share priorities. Job ids are deterministic, so
   * queueing the same requests again (a retried submit, the stranded-request sweep) adds nothing twice.
   */
  async enqueueValidations(platformId: string, requestIds: string[], { batchId }: { batchId?: string }): Promise<void> {
    await Promise.all(
      [...groupBy(requestIds, (id) => this.validateQueueOf(id), (id) => id)].map(async ([queue, ids]) => {
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
  async enqueueAttempt(platformId: string, requestId: string, attempt: number, delayMs: number): Promise<void> {
    const job = workJobEntry({ kind: 'one', platformId, id: requestId, attempt }, { delay: Math.max(0, Math.round(delayMs)) });
    await this.validateQueueOf(requestId).add(job.name, job.data, job.opts);
  }

  /**
   * First attempts of newly published messages. Messages published in the same event-loop turn
   * share batch jobs, per platform and queue shard (one queue write and one job run for many
   * results instead of one each); resolves once the jobs holding these messages are stored.
   */
  enqueueFirstDeliveries(platformId: string, messageIds: string[]): Promise<void> {
    return this.firstDeliveries.add(messageIds.map((messageId) => ({ platformId, messageId })));
  }

  private async addDeliveryBatches(items: MessageRef[]): Promise<void> {
    const byPlatform = groupBy(items, (i) => i.platformId, (i) => i.messageId);
    await Promise.all(
      [...byPlatform].flatMap(([platformId, messageIds]) =>
        [...groupBy(messageIds, (id) => this.deliverQueueOf(id), (id) => id)].map(([queue, ids]) =>
          addAll(queue, chunks(ids, MESSAGES_PER_BATCH).map((run) => workJobEntry({ kind: 'batch', platformId, ids: run }))),
        ),
      ),
    );
  }

  /**
   * The `one` job for attempt `attempt` of a message (a retry, a wait for a busy endpoint, a manual
   * redelivery), first run at `at` (epoch ms; now or earlier runs it at once).
   */
  async enqueueDeliveryAttempt(platformId: string, messageId: string, attempt: number, at: number): Promise<void> {
    const job = workJobEntry({ kind: 'one', platformId, id: messageId, attempt }, { delay: Math.max(0, Math.round(at - Date.now())) });
    await this.deliverQueueOf(messageId).add(job.name, job.data, job.opts);
  }

  /** A message's deliver queue shard follows from the data shard its id names, like its request's. */
  private deliverQueueOf(messageId: string): Queue<WorkJob> {
    return this.deliver.of(shardOfId(messageId));
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
 * The batch jobs of one bulk submit in one queue shard: runs of its request ids ordered by data
 * shard, then id. Grouped by shard, a run's claim is one script call for most runs instead of one
 * per shard its requests span (about 13 of 16 for 20 random ids); the order makes the runs a
 * function of the batch's requests alone, so the stranded-request sweep can name them again.
 */
export function bulkRuns(ids: string[]): string[][] {
  return chunks([...ids].sort((a, b) => shardOfId(a) - shardOfId(b) || (a < b ? -1 : a > b ? 1 : 0)));
}

/** Map.groupBy (Node 21+) with the values mapped. */
function groupBy<T, K, V>(items: T[], keyOf: (item: T) => K, valueOf: (item: T) => V): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item));
    if (group) group.push(valueOf(item));
    else groups.set(keyOf(item), [valueOf(item)]);
  }
  return groups;
}

/** One deduplication id per account: BullMQ then holds at most one check of its key at a time. */
const revalidationId = (data: RevalidateJobData) => `${data.platformId}:${data.accountId}`;
