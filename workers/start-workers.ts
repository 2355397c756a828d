import { Worker } from 'bullmq';
import type { Runtime } from '../src/runtime/runtime.js';
import { QUEUE, type QueueName } from '../src/queues/queue-names.js';
import { queuePrefix } from '../src/store/keys.js';
import { createProviders } from '../src/providers/registry.js';
import { pacedClient } from '../src/providers/paced-client.js';
import { revalidationLimiter, spacingMs } from '../src/domain/revalidation-pacing.js';
import { sweepActiveAccounts } from '../src/queues/revalidation-sweep.js';
import { requeueStranded } from '../src/queues/requeue-stranded.js';
import { sweepExpired, sweepIntervalMs } from '../src/store/retention.js';
import { createValidateProcessor } from './validate-processor.js';
import { CallSlots } from './call-slots.js';
import { settleAbandonedValidation } from './settle-abandoned-validation.js';
import { onAbandoned } from './on-abandoned.js';
import { createRevalidateProcessor } from './revalidate-processor.js';
import { startDeliverWorkers } from './deliver-workers.js';
import { revalidationBackoff } from './backoff-strategy.js';
import { ValidateBreaker } from './validate-breaker.js';

/** Only there so the breaker's queue-wide pause (queue.rateLimit) is honoured; never reached by itself. */
const PAUSE_ONLY_LIMITER = { max: 1_000_000_000, duration: 1000 };

/** How often workers look for stored requests that never got a job. */
const STRANDED_SWEEP_MS = 60_000;

export interface WorkerOptions {
  /** Which queues this process works on. Default: all. */
  queues?: QueueName[];
  /** Jobs in flight per queue (shard), and provider calls in flight across validate jobs. Default LINKER_CONCURRENCY. */
  concurrency?: number;
  /** Queue shards this process serves (`--shards`). Default: all of LINKER_QUEUE_SHARDS. */
  shards?: number[];
}

export interface RunningWorkers {
  workers: Worker[];
  /** Lets in-flight jobs finish for up to LINKER_SHUTDOWN_TIMEOUT, then cuts their calls (they are retried elsewhere) and stops. */
  close(): Promise<void>;
}

/**
 * Starts the BullMQ workers. Stalled-job settings: a worker renews its lock every lockDuration/2;
 * a job whose worker died is noticed within one stalledInterval (= lockDuration) and handed to
 * another worker, up to 3 times before it is failed. Processors are idempotent, so a re-run is safe.
 */
export function startWorkers(rt: Runtime, options: WorkerOptions = {}): RunningWorkers {
  const { env, logger } = rt;
  const queues = options.queues ?? [QUEUE.validate, QUEUE.deliver, QUEUE.revalidate];
  const concurrency = options.concurrency ?? env.LINKER_CONCURRENCY;
  const common = {
    connection: rt.queueRedis,
    prefix: queuePrefix(env.LINKER_REDIS_PREFIX),
    concurrency,
    lockDuration: env.LINKER_LOCK_DURATION,
    stalledInterval: env.LINKER_LOCK_DURATION,
    maxStalledCount: 3,
  };
  const workers: Worker[] = [];
  /** `force`: the drain ran out of time, so connections in flight are cut instead of awaited. */
  const closers: ((force: boolean) => Promise<void>)[] = [];

  const backoff = { baseMs: env.LINKER_BACKOFF_BASE, maxMs: env.LINKER_BACKOFF_MAX };
  const providers = createProviders({ smartrecruitersBaseUrl: env.SMARTRECRUITERS_BASE_URL, timeoutMs: env.LINKER_PROVIDER_TIMEOUT });
  closers.push(async (force) => {
    await Promise.all([...providers.values()].map((p) => p.close({ force })));
  });

  if (queues.includes(QUEUE.validate)) {
    const shards = options.shards ?? rt.producers.validate.shards.map((_, i) => i);
    const unknown = shards.filter((shard) => !rt.producers.validate.shards[shard]);
    if (unknown.length) throw new Error(`--shards names ${unknown.join(', ')}, but LINKER_QUEUE_SHARDS is ${env.LINKER_QUEUE_SHARDS} (shards 0..${env.LINKER_QUEUE_SHARDS - 1})`);
    const handOff = (platformId: string, requestId: string, attempt: number, delayMs: number) => rt.producers.enqueueAttempt(platformId, requestId, attempt, delayMs);
    const processor = createValidateProcessor({
      slots: new CallSlots(concurrency),
      requests: rt.requests,
      vault: rt.vault,
      providers,
      publisher: rt.publisher,
      logger,
      metrics: rt.metrics,
      policy: { maxAttempts: env.LINKER_VALIDATION_ATTEMPTS, budgetMs: env.LINKER_VALIDATION_DEADLINE, retryBackoff: backoff, rateLimitBackoff: backoff },
      handOff,
      drain: rt.drain,
      breaker: new ValidateBreaker(rt.producers.validate.shards, rt.validationPause, {
        threshold: env.LINKER_BREAKER_THRESHOLD,
        minTenants: 3,
        windowMs: env.LINKER_BREAKER_WINDOW,
        cooldownMs: env.LINKER_BREAKER_COOLDOWN,
      }, logger),
    });
    for (const shard of shards) {
      const queue = rt.producers.validate.shards[shard]!;
      // Jobs in flight per shard; the process's provider calls are bounded by its call slots.
      const worker = new Worker(QUEUE.validate, processor, { ...common, prefix: queue.opts.prefix, limiter: PAUSE_ONLY_LIMITER });
      onAbandoned(worker, logger, 'requests', (job, error) => settleAbandonedValidation({ ...rt, handOff }, job, error, logger));
      workers.push(worker);
    }
  }

  if (queues.includes(QUEUE.revalidate)) {
    // The limiter lives in Redis and holds the rate for all worker processes together; the paced
    // client holds it exactly within this one.
    const limiter = revalidationLimiter(env.LINKER_REVALIDATE_RATE);
    const spacing = spacingMs(limiter);
    const paced = new Map([...providers].map(([id, client]) => [id, pacedClient(client, env.LINKER_REVALIDATE_RATE)]));
    const processor = createRevalidateProcessor({
      accounts: rt.accounts,
      vault: rt.vault,
      providers: paced,
      publisher: rt.publisher,
      logger,
      policy: { budgetMs: env.LINKER_VALIDATION_DEADLINE, retryBackoff: backoff, rateLimitBackoff: backoff },
      sweep: () => sweepActiveAccounts({ accounts: rt.accounts, platforms: rt.platforms, producers: rt.producers, spacingMs: spacing }),
      intervalMs: env.LINKER_REVALIDATE_INTERVAL,
      spacingMs: spacing,
    });
    workers.push(new Worker(QUEUE.revalidate, processor, { ...common, limiter, settings: { backoffStrategy: revalidationBackoff(backoff) } }));
    void rt.producers
      .scheduleRevalidationSweep(env.LINKER_REVALIDATE_INTERVAL)
      .catch((err: unknown) => logger.error({ err }, 'could not schedule the re-validation sweep; scheduled checks will not run until a worker starts cleanly'));
  }

  if (queues.includes(QUEUE.deliver)) {
    const deliver = startDeliverWorkers(rt, common, options.shards ?? rt.producers.deliver.shards.map((_, i) => i));
    workers.push(...deliver.workers);
    closers.push(deliver.close);
  }

  for (const worker of workers) {
    worker.on('error', (err) => logger.error({ err, queue: worker.name }, 'worker error'));
  }

  if (queues.includes(QUEUE.validate)) {
    const sweep = () =>
      requeueStranded(rt)
        .then((count) => count && logger.warn({ jobs: count }, 'queued again the validate jobs of requests that had none (stored by an API that stopped before enqueueing, or lost by Redis)'))
        .catch((err: unknown) => logger.error({ err }, 'stranded-request sweep failed; it runs again in a minute'));
    const timer = setInterval(sweep, STRANDED_SWEEP_MS);
    timer.unref();
    closers.push(async () => clearInterval(timer));
  }

  // Retention: records expire by themselves; this drops their ids from the indexes (src/store/retention.ts).
  let sweeping: Promise<unknown> | undefined;
  const retentionTimer = setInterval(() => {
    sweeping ??= rt.platforms
      .ids()
      .then((ids) => sweepExpired(rt.redis, ids.map((id) => rt.requests.bases.all(id)), { keepMs: env.LINKER_RETENTION }))
      .catch((err: unknown) => logger.error({ err }, 'retention sweep failed; it runs again shortly'))
      .finally(() => (sweeping = undefined));
  }, sweepIntervalMs(env.LINKER_RETENTION));
  retentionTimer.unref();
  closers.push(async () => {
    clearInterval(retentionTimer);
    await sweeping;
  });

  return {
    workers,
    async close() {
      const graceful = Promise.all(workers.map((w) => w.close()));
      const timedOut = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), env.LINKER_SHUTDOWN_TIMEOUT).unref());
      const force = (await Promise.race([graceful, timedOut])) === 'timeout';
      // Worker.close(true) would not help here: BullMQ hands back the close already in progress. Cutting
      // the provider and webhook connections instead ends each job now as a failed attempt, which BullMQ
      // retries on another worker.
      if (force) logger.warn('jobs still running at the shutdown timeout; cutting their calls, they will be retried by another worker');
      await Promise.all(closers.map((c) => c(force)));
      await graceful;
    },
  };
}
