import { Worker, type Job } from 'bullmq';
import type { Runtime } from '../src/runtime/runtime.js';
import { QUEUE, type QueueName } from '../src/queues/queue-names.js';
import { queuePrefix } from '../src/store/keys.js';
import { createProviders } from '../src/providers/registry.js';
import { createSafeDispatcher } from '../src/webhooks/safe-dispatcher.js';
import type { ValidateJobData } from '../src/queues/job-payloads.js';
import { createValidateProcessor } from './validate-processor.js';
import { createDeliverProcessor } from './deliver-processor.js';
import { validationBackoff, webhookBackoff } from './backoff-strategy.js';

export interface WorkerOptions {
  /** Which queues this process works on. Default: all. */
  queues?: QueueName[];
  /** Jobs in flight per queue. Default LINKER_CONCURRENCY. */
  concurrency?: number;
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
  const queues = options.queues ?? [QUEUE.validate, QUEUE.deliver];
  const concurrency = options.concurrency ?? env.LINKER_CONCURRENCY;
  const common = {
    connection: rt.redis,
    prefix: queuePrefix(env.LINKER_REDIS_PREFIX),
    concurrency,
    lockDuration: env.LINKER_LOCK_DURATION,
    stalledInterval: env.LINKER_LOCK_DURATION,
    maxStalledCount: 3,
  };
  const workers: Worker[] = [];
  /** `force`: the drain ran out of time, so connections in flight are cut instead of awaited. */
  const closers: ((force: boolean) => Promise<void>)[] = [];

  if (queues.includes(QUEUE.validate)) {
    const providers = createProviders({ smartrecruitersBaseUrl: env.SMARTRECRUITERS_BASE_URL, timeoutMs: env.LINKER_PROVIDER_TIMEOUT });
    const backoff = { baseMs: env.LINKER_BACKOFF_BASE, maxMs: env.LINKER_BACKOFF_MAX };
    const processor = createValidateProcessor({
      requests: rt.requests,
      vault: rt.vault,
      providers,
      publisher: rt.publisher,
      logger,
      metrics: rt.metrics,
      maxAttempts: env.LINKER_VALIDATION_ATTEMPTS,
      deadlineMs: env.LINKER_VALIDATION_DEADLINE,
      rateLimitBackoff: backoff,
    });
    const worker = new Worker<ValidateJobData>(QUEUE.validate, processor, { ...common, settings: { backoffStrategy: validationBackoff(backoff) } });
    // A job BullMQ gave up on (repeated crashes, not provider answers) must not leave its request hanging.
    worker.on('failed', (job: Job<ValidateJobData> | undefined, error) => {
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      const { platformId, requestId } = job.data;
      void rt.requests
        .transition(platformId, requestId, { to: 'failed', error: { code: 'provider_unavailable', message: `validation could not complete: ${error.message}` } })
        .then(async () => {
          const request = await rt.requests.get(platformId, requestId, { attempts: false });
          if (request) await rt.publisher.publishResult(platformId, request);
        })
        .catch((err: unknown) => logger.error({ err, requestId }, 'could not fail an abandoned request'));
    });
    workers.push(worker);
    closers.push(async (force) => {
      await Promise.all([...providers.values()].map((p) => p.close({ force })));
    });
  }

  if (queues.includes(QUEUE.deliver)) {
    const dispatcher = createSafeDispatcher(rt.addressPolicy, { headersTimeoutMs: env.LINKER_WEBHOOK_TIMEOUT, bodyTimeoutMs: env.LINKER_WEBHOOK_TIMEOUT });
    const processor = createDeliverProcessor({
      messages: rt.messages,
      endpoints: rt.endpoints,
      dispatcher,
      timeoutMs: env.LINKER_WEBHOOK_TIMEOUT,
      logger,
      metrics: rt.metrics,
    });
    workers.push(new Worker(QUEUE.deliver, processor, { ...common, settings: { backoffStrategy: webhookBackoff(env.LINKER_WEBHOOK_RETRY_SCHEDULE) } }));
    closers.push((force) => (force ? dispatcher.destroy() : dispatcher.close()));
  }

  for (const worker of workers) {
    worker.on('error', (err) => logger.error({ err, queue: worker.name }, 'worker error'));
  }

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
