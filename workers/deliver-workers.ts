import { Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Dispatcher } from 'undici';
import type { Runtime } from '../src/runtime/runtime.js';
import { QUEUE } from '../src/queues/queue-names.js';
import { createSafeDispatcher } from '../src/webhooks/safe-dispatcher.js';
import { EndpointSlots } from '../src/webhooks/endpoint-slots.js';
import { createDeliverProcessor } from './deliver-processor.js';
import { settleAbandonedDelivery } from './settle-abandoned-delivery.js';

/**
 * How long a delivery waits in line for its endpoint's slot before it is put back for later: ample
 * for a healthy receiver to free one, short enough that deliveries to a slow one hold few job slots.
 */
const ENDPOINT_SLOT_WAIT_MS = 200;

/** The deliver processor as the workers run it, over `dispatcher`. */
export function deliverProcessorOf(rt: Runtime, dispatcher: Dispatcher) {
  const { env } = rt;
  return createDeliverProcessor({
    messages: rt.messages,
    endpoints: rt.endpoints,
    dispatcher,
    logger: rt.logger,
    metrics: rt.metrics,
    policy: { schedule: env.LINKER_WEBHOOK_RETRY_SCHEDULE, attemptTimeoutMs: env.LINKER_WEBHOOK_TIMEOUT },
    slots: new EndpointSlots(env.LINKER_WEBHOOK_ENDPOINT_CONCURRENCY, ENDPOINT_SLOT_WAIT_MS),
    handOff: (platformId, messageId, attempt, at) => rt.producers.enqueueDeliveryAttempt(platformId, messageId, attempt, at),
  });
}

/**
 * One deliver worker per queue shard served, sharing the process's deliver slots and its
 * per-endpoint caps. A job BullMQ gives up on goes to the one settle path.
 */
export function startDeliverWorkers(rt: Runtime, options: WorkerOptions & { concurrency: number }, shards: number[]): { workers: Worker[]; close: (force: boolean) => Promise<void> } {
  const dispatcher = createSafeDispatcher(rt.addressPolicy, {
    headersTimeoutMs: rt.env.LINKER_WEBHOOK_TIMEOUT,
    bodyTimeoutMs: rt.env.LINKER_WEBHOOK_TIMEOUT,
    lookup: rt.webhookLookup,
  });
  const processor = deliverProcessorOf(rt, dispatcher);
  const workers = shards.map((shard) => {
    const queue = rt.producers.deliver.shards[shard]!;
    const worker = new Worker(QUEUE.deliver, processor, { ...options, prefix: queue.opts.prefix, concurrency: Math.ceil(options.concurrency / shards.length) });
    worker.on('failed', (job: Job | undefined, error) => {
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      void settleAbandonedDelivery(rt.messages, job, error).catch((err: unknown) => rt.logger.error({ err, jobId: job.id }, 'could not settle the messages of an abandoned deliver job'));
    });
    return worker;
  });
  return { workers, close: (force) => (force ? dispatcher.destroy() : dispatcher.close()) };
}
