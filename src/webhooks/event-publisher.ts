import type { WebhookEndpointStore } from '../store/webhook-endpoint-store.js';
import type { RecordEventArgs, RecordEventScriptArgs, WebhookMessageStore } from '../store/webhook-message-store.js';
import type { Producers } from '../queues/producers.js';
import { eventShardKey, resultDedupe, type WebhookEvent } from '../domain/events.js';
import type { ConnectRequest } from '../domain/schemas/connect-request.js';
import { newShardedId } from '../domain/ids.js';
import { shardOf } from '../domain/shards.js';
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
    return this.recordAndDeliver(platformId, await this.prepare(platformId, event, dedupe, connectRequestId));
  }

  /** The event as one new message per subscribed endpoint, ready to record. */
  async prepare(platformId: string, event: WebhookEvent, dedupe: string, connectRequestId: string | null): Promise<RecordEventArgs> {
    const subscribers = await this.endpoints.subscribers(platformId, event.type);
    const shard = shardOf(platformId, eventShardKey(event));
    return { dedupe, event, connectRequestId, messages: subscribers.map((endpoint) => ({ id: newShardedId('webhookMessage', shard), endpointId: endpoint.id })) };
  }

  /**
   * Queues the first attempt of recorded messages. `recordedFrom`: the event arguments they were
   * recorded from (by another store's script), so their first attempt need not read them back.
   */
  deliver(platformId: string, messageIds: string[], recordedFrom?: Pick<RecordEventScriptArgs, 'payload' | 'messages'>): Promise<void> {
    if (recordedFrom) this.messages.recorded(recordedFrom, messageIds);
    return this.producers.enqueueFirstDeliveries(platformId, messageIds);
  }

  /** The result event of a request that is (or is about to be) finished, ready to record. */
  prepareResult(platformId: string, request: ConnectRequest): Promise<RecordEventArgs> {
    return this.prepare(platformId, requestResultEvent(request), resultDedupe(request.id), request.id);
  }

  /** The linked / link_failed event of a finished request. */
  async publishResult(platformId: string, request: ConnectRequest): Promise<string[]> {
    return this.recordAndDeliver(platformId, await this.prepareResult(platformId, request));
  }

  private async recordAndDeliver(platformId: string, prepared: RecordEventArgs): Promise<string[]> {
    const pending = await this.messages.recordEvent(platformId, prepared);
    await this.deliver(platformId, pending);
    return pending;
  }
}
