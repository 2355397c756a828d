import type { Logger } from 'pino';
import type { WebhookEndpointStore } from '../store/webhook-endpoint-store.js';
import type { Metrics } from '../observability/metrics.js';
import type { EndpointDisabledEvent } from '../domain/events.js';
import type { EventPublisher } from './event-publisher.js';

export interface EndpointGoneDeps {
  endpoints: WebhookEndpointStore;
  publisher: EventPublisher;
  logger: Logger;
  metrics?: Metrics;
}

/**
 * A receiver answered 410 Gone: the endpoint is disabled, and the platform must hear about it,
 * or its later results quietly become `confirmation: not_required`. Only the call that disabled it
 * warns, counts and announces it (an `endpoint.disabled` event to the platform's other enabled
 * endpoints that subscribe to it), so a burst of 410s tells the platform once.
 */
export async function disableGoneEndpoint(deps: EndpointGoneDeps, platformId: string, endpointId: string, messageId: string, now = new Date()): Promise<void> {
  const disabledAt = now.toISOString();
  const disabledReason = `the receiver answered 410 Gone to message ${messageId}`;
  if (!(await deps.endpoints.disable(platformId, endpointId, disabledReason, disabledAt))) return;
  deps.metrics?.endpointDisabled();
  deps.logger.warn(
    { platformId, endpointId, messageId },
    `webhook endpoint disabled after 410 Gone: nothing more is sent to it; re-enable it with POST /v1/webhook-endpoints/${endpointId}/enable`,
  );
  const endpoint = await deps.endpoints.get(platformId, endpointId);
  if (!endpoint) return;
  const event: EndpointDisabledEvent = { type: 'endpoint.disabled', timestamp: disabledAt, data: { endpointId, url: endpoint.url, disabledReason, disabledAt } };
  await deps.publisher.publish(platformId, event, `endpoint.disabled:${endpointId}:${disabledAt}`);
}
