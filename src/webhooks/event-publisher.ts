import type { WebhookEndpointStore } from '../store/webhook-endpoint-store.js';
import type { WebhookMessageStore } from '../store/webhook-message-store.js';
import type { Producers } from '../queues/producers.js';
import type { WebhookEvent } from '../domain/events.js';
import type { ConnectRequest } from '../domain/schemas/connect-request.js';
import { newId } from '../domain/ids.js';
import { requestResultEvent } from './event-builder.js';

/**
 * Turns an event into one message per subscribed endpoint and queues their delivery. Safe to call
 * again for the same event (dedupe key): it only re-queues messages still pending, which covers a
 * crash between recording and enqueueing.
 */
export class EventPublisher {
  constructor(
    private readonly endpoints: WebhookEndpointStore,
    private readonly messages: WebhookMessageStore,
    private readonly producers: Producers,
  ) {}

  async publish(platformId: string, event: WebhookEvent, dedupe: string, connectRequestId: string | null = null): Promise<string[]> {
    const subscribers = await this.endpoints.subscribers(platformId, event.type);
    const pending = await this.messages.recordEvent(platformId, {
      dedupe,
      event,
      connectRequestId,
      messages: subscribers.map((endpoint) => ({ id: newId('webhookMessage'), endpointId: endpoint.id })),
    });
    await this.producers.enqueueFirstAttempts(platformId, pending);
    return pending;
  }

  /** The linked / link_failed event of a finished request. */
  publishResult(platformId: string, request: ConnectRequest): Promise<string[]> {
    return this.publish(platformId, requestResultEvent(request), `result:${request.id}`, request.id);
  }
}
