import { DelayedError, type Job } from 'bullmq';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { WebhookMessageStore, DeliveryOutcome } from '../src/store/webhook-message-store.js';
import type { WebhookEndpointStore } from '../src/store/webhook-endpoint-store.js';
import { DELIVER_JOB, type DeliverJobData, type FirstAttemptsJobData } from '../src/queues/job-payloads.js';
import type { Metrics } from '../src/observability/metrics.js';
import { sendWebhook, type WebhookSendResult } from '../src/webhooks/send-webhook.js';
import type { EndpointSlots } from '../src/webhooks/endpoint-slots.js';
import { RetryLaterError } from './retry-errors.js';
import { webhookRetryDelay } from './backoff-strategy.js';

export interface DeliverProcessorDeps {
  messages: WebhookMessageStore;
  endpoints: WebhookEndpointStore;
  dispatcher: Dispatcher;
  timeoutMs: number;
  logger: Logger;
  metrics?: Metrics;
  /** LINKER_WEBHOOK_RETRY_SCHEDULE: the waits before each retry after the first attempt. */
  schedule: number[];
  /** Queues a message's own job for its retries, first run `delayMs` from now (Producers.enqueueDelivery). */
  followUp: (data: DeliverJobData, delayMs: number) => Promise<void>;
  /** Deliveries in flight per endpoint in this process (LINKER_WEBHOOK_ENDPOINT_CONCURRENCY). */
  slots: EndpointSlots;
}

/**
 * What one attempt at one message came to; the others mean nothing was sent or recorded by this
 * run ('busy': its endpoint had no free slot, so it is tried again later without spending an attempt).
 */
export type AttemptResult = DeliveryOutcome | 'stale' | 'already-settled' | 'tried-before' | 'busy';

function outcomeOf(result: WebhookSendResult, lastTry: boolean): { outcome: DeliveryOutcome; disable: boolean } {
  const status = result.httpStatus;
  if (status !== null && status >= 200 && status < 300) return { outcome: 'delivered', disable: false };
  // 410 Gone: the receiver says the endpoint no longer exists; stop sending to it.
  if (status === 410) return { outcome: 'failed', disable: true };
  return { outcome: lastTry ? 'failed' : 'retry', disable: false };
}

/**
 * Delivers webhook messages. A first-attempts job tries each of its messages once, concurrently;
 * a message that needs a retry gets its own deliver job, queued before the attempt is recorded so a
 * crash in between cannot leave it pending with nothing to retry it. A deliver job takes one message
 * through the rest of the schedule with BullMQ's attempts. Every attempt is recorded with a
 * compare-and-set on the message's attempt count, so a job that runs twice logs no phantom attempt
 * and confirms once.
 */
export function createDeliverProcessor(deps: DeliverProcessorDeps) {
  const { messages, endpoints, logger } = deps;

  /** `first`: the message's first attempt, skipped if anything tried it already (its own job carries on). */
  async function attempt(platformId: string, messageId: string, { lastTry, first }: { lastTry: boolean; first: boolean }): Promise<{ result: AttemptResult; retryAfterMs?: number; error?: string }> {
    const message = await messages.getForDelivery(platformId, messageId);
    if (!message || message.status !== 'pending') return { result: 'already-settled' };
    if (first && message.attemptCount > 0) return { result: 'tried-before' };

    const endpoint = await endpoints.getForDelivery(platformId, message.endpointId);
    const n = message.attemptCount + 1;
    const at = new Date().toISOString();

    let sent: WebhookSendResult;
    if (!endpoint || endpoint.status === 'disabled') {
      sent = { httpStatus: null, durationMs: 0, error: endpoint ? 'endpoint disabled after a 410 Gone' : 'endpoint was deleted', retryAfterMs: undefined };
    } else {
      if (!(await deps.slots.acquire(endpoint.id))) return { result: 'busy' };
      try {
        sent = await sendWebhook({
          url: endpoint.url,
          messageId,
          body: message.body,
          secrets: endpoint.activeSecrets,
          timeoutMs: deps.timeoutMs,
          dispatcher: deps.dispatcher,
        });
      } finally {
        deps.slots.release(endpoint.id);
      }
    }
    const { outcome, disable } = endpoint && endpoint.status === 'enabled' ? outcomeOf(sent, lastTry) : { outcome: 'failed' as const, disable: false };
    if (first && outcome === 'retry') {
      await deps.followUp({ platformId, messageId, attemptsBefore: 1 }, webhookRetryDelay(deps.schedule, 1, sent.retryAfterMs));
    }
    const recorded = await messages.recordDelivery(platformId, messageId, {
      expectedCount: message.attemptCount,
      attempt: { n, at, httpStatus: sent.httpStatus, durationMs: sent.durationMs, error: sent.error },
      outcome,
      disableEndpoint: disable,
    });
    if (!recorded.applied) return { result: 'stale' };
    deps.metrics?.webhookAttempt(outcome === 'retry' ? 'failed_will_retry' : outcome);
    if (recorded.confirmedRequestCreatedAt) deps.metrics?.confirmed(Date.now() - Date.parse(recorded.confirmedRequestCreatedAt));
    logger.info({ platformId, messageId, attempt: n, httpStatus: sent.httpStatus, outcome }, 'webhook attempt');
    return { result: outcome, retryAfterMs: sent.retryAfterMs, error: sent.error ?? undefined };
  }

  /**
   * When a message turned away by its busy endpoint is tried again: after a slot is likely free (an
   * attempt holds one for at most the timeout), spread out so the waiting messages do not all return at once.
   */
  const busyDelay = () => Math.round(deps.timeoutMs * (0.5 + Math.random() / 2));

  /** Returns each message's AttemptResult (first-attempts jobs) or the one message's (deliver jobs). */
  return async function deliver(job: Job<DeliverJobData | FirstAttemptsJobData>, token?: string): Promise<AttemptResult | Record<string, AttemptResult>> {
    if (job.name === DELIVER_JOB.firstAttempts) {
      const { platformId, messageIds } = job.data as FirstAttemptsJobData;
      const lastTry = deps.schedule.length === 0;
      const results = await Promise.all(
        messageIds.map(async (messageId) => {
          const { result } = await attempt(platformId, messageId, { lastTry, first: true });
          if (result === 'busy') await deps.followUp({ platformId, messageId }, busyDelay());
          return [messageId, result] as const;
        }),
      );
      return Object.fromEntries(results);
    }
    const { platformId, messageId } = job.data as DeliverJobData;
    const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const { result, retryAfterMs, error } = await attempt(platformId, messageId, { lastTry, first: false });
    if (result === 'retry') throw new RetryLaterError(error ?? 'delivery failed', retryAfterMs);
    if (result === 'busy') {
      // Back to the delayed set as it is: BullMQ counts no attempt for this run.
      await job.moveToDelayed(Date.now() + busyDelay(), token);
      throw new DelayedError();
    }
    return result;
  };
}
