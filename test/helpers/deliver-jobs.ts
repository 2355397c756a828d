import type { Job } from 'bullmq';
import type { Dispatcher } from 'undici';
import type { Harness } from './harness.js';
import { createDeliverProcessor } from '../../workers/deliver-processor.js';
import { EndpointSlots } from '../../src/webhooks/endpoint-slots.js';
import type { FirstAttemptsJobData } from '../../src/queues/job-payloads.js';

/** The first-attempts job that carries a message (it may share the job with messages published alongside it). */
export async function firstAttemptsJobOf(h: Harness, messageId: string): Promise<Job<FirstAttemptsJobData> | undefined> {
  const jobs = await h.rt.producers.deliver.getJobs(['waiting', 'paused', 'active', 'completed', 'delayed', 'failed']);
  const found = jobs.find((job) => (job.data as FirstAttemptsJobData).messageIds?.includes(messageId));
  // Read it again by id: the listing leaves out fields such as the return value.
  return found?.id ? ((await h.rt.producers.deliver.getJob(found.id)) as Job<FirstAttemptsJobData> | undefined) : undefined;
}

/** The deliver processor the workers run, for running a job by hand. */
export function deliverProcessor(h: Harness, dispatcher: Dispatcher) {
  return createDeliverProcessor({
    messages: h.rt.messages,
    endpoints: h.rt.endpoints,
    dispatcher,
    timeoutMs: 2000,
    logger: h.rt.logger,
    schedule: h.rt.env.LINKER_WEBHOOK_RETRY_SCHEDULE,
    followUp: (data, delayMs) => h.rt.producers.enqueueDelivery(data, { delayMs }),
    slots: new EndpointSlots(h.rt.env.LINKER_WEBHOOK_ENDPOINT_CONCURRENCY, 200),
  });
}
