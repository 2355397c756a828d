import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../store/redis-client.js';
import { queuePrefix } from '../store/keys.js';
import { QUEUE } from './queue-names.js';
import {
  DELIVER_JOB,
  REVALIDATE_JOB,
  VALIDATE_JOB,
  type DeliverJobData,
  type FirstAttemptsJobData,
  type FirstValidationsJobData,
  type RevalidateJobData,
  type RevalidateSweepJobData,
  type ValidateJobData,
} from './job-payloads.js';
import { SWEEP_JOB_OPTIONS, deliverJobOptions, firstAttemptsJobOptions, validateJobOptions } from './job-options.js';
import { TickBatcher } from './tick-batcher.js';
import { firstAttemptsJobId } from './first-attempts-jobs.js';
import { chunks } from './work-job.js';

export interface ProducerSettings {
  prefix: string;
  /** Most messages one first-attempts deliver job carries (they are sent concurrently). Default 50. */
  firstAttemptsPerJob?: number;
  /** Most requests of one submit that share a first-attempts validate job (see first-attempts-jobs.ts). Default 20. */
  validationsPerJob?: number;
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
  readonly validate: Queue<ValidateJobData | FirstValidationsJobData>;
  readonly deliver: Queue<DeliverJobData | FirstAttemptsJobData>;
  private readonly firstAttempts = new TickBatcher<DeliverJobData>((items) => this.addFirstAttempts(items));
  readonly revalidate: Queue<RevalidateJobData | RevalidateSweepJobData>;

  constructor(
    connection: RedisClient,
    private readonly settings: ProducerSettings,
  ) {
    const prefix = queuePrefix(settings.prefix);
    this.validate = new Queue<ValidateJobData | FirstValidationsJobData>(QUEUE.validate, { connection, prefix });
    this.deliver = new Queue<DeliverJobData | FirstAttemptsJobData>(QUEUE.deliver, { connection, prefix });
    this.revalidate = new Queue<RevalidateJobData | RevalidateSweepJobData>(QUEUE.revalidate, { connection, prefix });
  }

  get validationsPerJob(): number {
    return this.settings.validationsPerJob ?? 20;
  }

  /**
   * First attempts of stored requests, in the jobs `validateJobIds` named: a shared first-attempts
   * job, or the request's own job when it is alone (the stranded-request sweep queues only those).
   */
  async enqueueValidations(platformId: string, requests: { requestId: string; jobId: string }[]): Promise<void> {
    const byJob = groupBy(requests, (r) => r.jobId, (r) => r.requestId);
    const own = validateJobOptions(this.settings.validationAttempts);
    await addAll(
      this.validate,
      [...byJob].map(([jobId, requestIds]) =>
        requestIds.length === 1 && requestIds[0] === jobId
          ? { name: VALIDATE_JOB.validate, data: { platformId, requestId: jobId }, opts: { ...own, jobId } }
          : { name: VALIDATE_JOB.firstAttempts, data: { platformId, requestIds }, opts: { ...firstAttemptsJobOptions, jobId } },
      ),
    );
  }

  /** A request's own job for its retries after a shared first attempt, first run `delayMs` from now. */
  async enqueueValidation(data: ValidateJobData, delayMs: number): Promise<void> {
    const opts = validateJobOptions(this.settings.validationAttempts - (data.attemptsBefore ?? 0));
    await this.validate.add(VALIDATE_JOB.validate, data, { ...opts, delay: delayMs, jobId: data.requestId });
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
    const opts = validateJobOptions(this.settings.validationAttempts);
    const job = await this.revalidate.add(REVALIDATE_JOB.check, data, { ...opts, deduplication: { id: revalidationId(data), replace: true } });
    return job.id;
  }

  /**
   * Scheduled checks, `spacingMs` apart starting `firstDelayMs` from now. An account whose
   * previous check is still queued or running keeps that one: one check per account at a time.
   */
  async enqueueScheduledRevalidations(jobs: RevalidateJobData[], firstDelayMs: number, spacingMs: number): Promise<void> {
    if (jobs.length === 0) return;
    const opts = validateJobOptions(this.settings.validationAttempts);
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
