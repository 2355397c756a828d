import { DelayedError, type Job } from 'bullmq';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { WebhookMessageStore, DeliverableMessage, DeliveryOutcome } from '../src/store/webhook-message-store.js';
import type { WebhookEndpointStore } from '../src/store/webhook-endpoint-store.js';
import type { Metrics } from '../src/observability/metrics.js';
import { attemptsOf, isLive, nextAttempt, readWorkJob } from '../src/queues/work-job.js';
import { next, scheduledRetryAt, type DeliveryOutcome as AttemptOutcome, type DeliverySettings } from '../src/domain/delivery-policy.js';
import { sendWebhook, type WebhookSendResult } from '../src/webhooks/send-webhook.js';
import type { EndpointSlots } from '../src/webhooks/endpoint-slots.js';

export interface DeliverProcessorDeps {
  messages: WebhookMessageStore;
  endpoints: WebhookEndpointStore;
  dispatcher: Dispatcher;
  logger: Logger;
  metrics?: Metrics;
  /** The retry schedule and the attempt deadline (LINKER_WEBHOOK_RETRY_SCHEDULE, LINKER_WEBHOOK_TIMEOUT). */
  policy: DeliverySettings;
  /** Deliveries in flight per endpoint in this process (LINKER_WEBHOOK_ENDPOINT_CONCURRENCY). */
  slots: EndpointSlots;
  /** Queues the `one` job for attempt `attempt` of a message, first run at `at` (Producers.enqueueDeliveryAttempt). */
  handOff: (platformId: string, messageId: string, attempt: number, at: number) => Promise<void>;
  /** A receiver answered 410 Gone to this message: disable its endpoint and say so (src/webhooks/endpoint-gone.ts). */
  endpointGone: (platformId: string, endpointId: string, messageId: string) => Promise<void>;
}

/**
 * What a job did with one of its messages: the outcome of the attempt it recorded, or why it
 * recorded none (`waiting`: the endpoint had no free slot, the same attempt runs later; `stale`:
 * another job owns the message; `settled`: nothing is left to deliver).
 */
export type MessageResult = DeliveryOutcome | 'waiting' | 'stale' | 'settled';

type Step = { result: Exclude<MessageResult, 'waiting'> } | { result: 'waiting'; at: number };

/** An attempt that sent nothing (the endpoint is gone), as the delivery log shows it. */
const notSent = (error: string): WebhookSendResult => ({ httpStatus: null, durationMs: 0, error, retryAfterMs: undefined });

/**
 * Delivers webhook messages, one attempt per message per job run, on the work-job protocol
 * (src/queues/work-job.ts): a batch job makes the first attempt of each of its messages, a `one`
 * job attempt `attempt` of one message. The delivery policy decides what an answer means; the
 * attempt is recorded with a compare-and-set on the message's attempt count, then a retry is handed
 * to the `one` job of the next attempt. A job finding the count past its attempt is a stale
 * duplicate: it only makes sure the message's current job exists (what a crash between recording
 * and handing off leaves undone) and leaves the message to it.
 */
export function createDeliverProcessor(deps: DeliverProcessorDeps) {
  const { messages, endpoints, logger, policy } = deps;

  /** The receiver's answer to this attempt, or why nothing was sent. */
  async function attempt(platformId: string, message: DeliverableMessage): Promise<{ sent: WebhookSendResult; outcome: AttemptOutcome }> {
    const endpoint = await endpoints.getForDelivery(platformId, message.endpointId);
    if (!endpoint) return { sent: notSent('endpoint was deleted'), outcome: { kind: 'endpoint_gone' } };
    if (endpoint.status === 'disabled') return { sent: notSent('endpoint disabled after a 410 Gone'), outcome: { kind: 'endpoint_gone' } };
    if (!(await deps.slots.acquire(endpoint.id))) return { sent: notSent('endpoint busy'), outcome: { kind: 'endpoint_busy' } };
    try {
      const sent = await sendWebhook({
        url: endpoint.url,
        messageId: message.id,
        body: message.body,
        secrets: endpoint.activeSecrets,
        timeoutMs: policy.attemptTimeoutMs,
        dispatcher: deps.dispatcher,
      });
      const outcome: AttemptOutcome = sent.httpStatus === null ? { kind: 'no_answer' } : { kind: 'answered', httpStatus: sent.httpStatus, retryAfterMs: sent.retryAfterMs };
      return { sent, outcome };
    } finally {
      deps.slots.release(endpoint.id);
    }
  }

  /** A stale job's duty: the message's current job (for the attempt after those on record) exists. */
  async function ensureOwner(platformId: string, message: DeliverableMessage, jobAttempt: number): Promise<Step> {
    const due = scheduledRetryAt(message.attemptCount - message.runStart, Date.now(), policy);
    await deps.handOff(platformId, message.id, nextAttempt(jobAttempt, message.attemptCount), due);
    return { result: 'stale' };
  }

  async function deliverMessage(platformId: string, messageId: string, jobAttempt: number): Promise<Step> {
    const message = await messages.getForDelivery(platformId, messageId, jobAttempt);
    if (!message || message.status !== 'pending') return { result: 'settled' };
    if (!isLive(jobAttempt, message.attemptCount)) return ensureOwner(platformId, message, jobAttempt);

    const at = new Date().toISOString();
    const { sent, outcome } = await attempt(platformId, message);
    const decision = next({ attemptInRun: message.attemptCount - message.runStart + 1 }, outcome, Date.now(), policy);
    if (decision.kind === 'wait') return { result: 'waiting', at: decision.at };

    const recordedOutcome: DeliveryOutcome = decision.kind === 'retry' ? 'retry' : decision.status;
    const n = message.attemptCount + 1;
    const recorded = await messages.recordDelivery(platformId, messageId, {
      expectedCount: message.attemptCount,
      attempt: { n, at, httpStatus: sent.httpStatus, durationMs: sent.durationMs, error: sent.error },
      outcome: recordedOutcome,
    });
    if (!recorded.applied) {
      // Another run recorded this attempt first, or the message moved on after this job read it (a
      // first attempt reads the message as recorded, from memory): its current job must exist.
      const current = await messages.getForDelivery(platformId, messageId);
      return current?.status === 'pending' ? ensureOwner(platformId, current, jobAttempt) : { result: 'stale' };
    }
    if (decision.kind === 'finish' && decision.disableEndpoint) await deps.endpointGone(platformId, message.endpointId, messageId);
    deps.metrics?.webhookAttempt(recordedOutcome === 'retry' ? 'failed_will_retry' : recordedOutcome);
    if (recorded.confirmedRequestCreatedAt) deps.metrics?.confirmed(Date.now() - Date.parse(recorded.confirmedRequestCreatedAt));
    logger.info({ platformId, messageId, attempt: n, httpStatus: sent.httpStatus, outcome: recordedOutcome }, 'webhook attempt');
    if (decision.kind === 'retry') await deps.handOff(platformId, messageId, nextAttempt(jobAttempt, n), decision.at);
    return { result: recordedOutcome };
  }

  /** Returns what the job did with each of its messages. */
  return async function deliver(job: Job, token?: string): Promise<Record<string, MessageResult>> {
    const work = readWorkJob(job.data);
    const steps = await Promise.all(attemptsOf(work).map(async ({ id, attempt }) => [id, attempt, await deliverMessage(work.platformId, id, attempt)] as const));
    for (const [id, attempt, step] of steps) {
      if (step.result !== 'waiting') continue;
      if (work.kind === 'one') {
        // The job itself waits, as it is: BullMQ counts no attempt for this run.
        await job.moveToDelayed(step.at, token);
        throw new DelayedError();
      }
      // A batch carries many messages: the waiting one continues in its own job, same attempt.
      await deps.handOff(work.platformId, id, attempt, step.at);
    }
    return Object.fromEntries(steps.map(([id, , step]) => [id, step.result]));
  };
}
