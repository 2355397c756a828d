import type { Job } from 'bullmq';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { WebhookMessageStore, DeliveryOutcome } from '../src/store/webhook-message-store.js';
import type { WebhookEndpointStore } from '../src/store/webhook-endpoint-store.js';
import type { DeliverJobData } from '../src/queues/job-payloads.js';
import type { Metrics } from '../src/observability/metrics.js';
import { sendWebhook, type WebhookSendResult } from '../src/webhooks/send-webhook.js';
import { RetryLaterError } from './retry-errors.js';

export interface DeliverProcessorDeps {
  messages: WebhookMessageStore;
  endpoints: WebhookEndpointStore;
  dispatcher: Dispatcher;
  timeoutMs: number;
  logger: Logger;
  metrics?: Metrics;
}

function outcomeOf(result: WebhookSendResult, lastTry: boolean): { outcome: DeliveryOutcome; disable: boolean } {
  const status = result.httpStatus;
  if (status !== null && status >= 200 && status < 300) return { outcome: 'delivered', disable: false };
  // 410 Gone: the receiver says the endpoint no longer exists; stop sending to it.
  if (status === 410) return { outcome: 'failed', disable: true };
  return { outcome: lastTry ? 'failed' : 'retry', disable: false };
}

/**
 * Delivers one webhook message attempt. The attempt is recorded with a compare-and-set on the
 * message's attempt count, so a job that runs twice logs no phantom attempt and confirms once.
 */
export function createDeliverProcessor(deps: DeliverProcessorDeps) {
  const { messages, endpoints, logger } = deps;

  return async function deliver(job: Job<DeliverJobData>): Promise<string> {
    const { platformId, messageId } = job.data;
    const message = await messages.getForDelivery(platformId, messageId);
    if (!message || message.status !== 'pending') return 'already-settled';

    const endpoint = await endpoints.getForDelivery(platformId, message.endpointId);
    const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const n = message.attemptCount + 1;
    const at = new Date().toISOString();

    let result: WebhookSendResult;
    if (!endpoint || endpoint.status === 'disabled') {
      result = { httpStatus: null, durationMs: 0, error: endpoint ? 'endpoint disabled after a 410 Gone' : 'endpoint was deleted', retryAfterMs: undefined };
    } else {
      result = await sendWebhook({
        url: endpoint.url,
        messageId,
        body: message.body,
        secrets: endpoint.activeSecrets,
        timeoutMs: deps.timeoutMs,
        dispatcher: deps.dispatcher,
      });
    }
    const { outcome, disable } = endpoint && endpoint.status === 'enabled' ? outcomeOf(result, lastTry) : { outcome: 'failed' as const, disable: false };
    const recorded = await messages.recordDelivery(platformId, messageId, {
      expectedCount: message.attemptCount,
      attempt: { n, at, httpStatus: result.httpStatus, durationMs: result.durationMs, error: result.error },
      outcome,
      disableEndpoint: disable,
    });
    if (!recorded.applied) return 'stale';
    deps.metrics?.webhookAttempt(outcome === 'retry' ? 'failed_will_retry' : outcome);
    if (recorded.confirmedRequestCreatedAt) deps.metrics?.confirmed(Date.now() - Date.parse(recorded.confirmedRequestCreatedAt));
    logger.info({ platformId, messageId, attempt: n, httpStatus: result.httpStatus, outcome }, 'webhook attempt');
    if (outcome === 'retry') throw new RetryLaterError(result.error ?? 'delivery failed', result.retryAfterMs);
    return outcome;
  };
}
