import type { EventType, WebhookEvent } from './schemas/events.js';

// The types live beside their payload schemas, so the schemas need nothing from this module.
export { EVENT_TYPES, type EventType, type WebhookEvent, type AccountEvent, type EndpointDisabledEvent } from './schemas/events.js';
export type AccountEventType = Exclude<EventType, 'endpoint.disabled'>;

/**
 * What places an event's messages in a data shard (src/domain/shards.ts): the tenant it is about,
 * beside the request it confirms; an endpoint event, about no tenant, goes by its endpoint's id.
 */
export function eventShardKey(event: WebhookEvent): string {
  return event.type === 'endpoint.disabled' ? event.data.endpointId : event.data.tenantId;
}

/** The dedupe key of a request's result event: one result event per request, however often it is published. */
export function resultDedupe(requestId: string): string {
  return `result:${requestId}`;
}
