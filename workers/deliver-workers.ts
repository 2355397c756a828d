import { Worker, type WorkerOptions } from 'bullmq';
import type { Dispatcher } from 'undici';
import type { Runtime } from '../src/runtime/runtime.js';
import { QUEUE } from '../src/queues/queue-names.js';
import { createSafeDispatcher } from '../src/webhooks/safe-dispatcher.js';
import { EndpointSlots } from '../src/webhooks/endpoint-slots.js';
import { createDeliverProcessor } from './deliver-processor.js';
import { settleAbandonedDelivery } from './settle-abandoned-delivery.js';
import { onAbandoned } from './on-abandoned.js';
import { disableGoneEndpoint } from '../src/webhooks/endpoint-gone.js';

/**
 * How long an endpoint at its cap may free no slot before the deliveries waiting for it are put back
 * for later: a healthy receiver frees one within milliseconds, and the deliveries turned away from a
 * stalled one held their job slots this long at most.
 */
const ENDPOINT_STALL_MS = 200;

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
    slots: new EndpointSlots(env.LINKER_WEBHOOK_ENDPOINT_CONCURRENCY, ENDPOINT_STALL_MS),
    handOff: (platformId, messageId, attempt, at) => rt.producers.enqueueDeliveryAttempt(platformId, messageId, attempt, at),
    endpointGone: (platformId, endpointId, messageId) => disableGoneEndpoint(rt, platformId, endpointId, messageId),
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
    onAbandoned(worker, rt.logger, 'messages', (job, error) => settleAbandonedDelivery(rt.messages, job, error));
    return worker;
  });
  return { workers, close: (force) => (force ? dispatcher.destroy() : dispatcher.close()) };
}
