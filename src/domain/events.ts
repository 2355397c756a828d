/** Webhook event types of DESIGN §5, and `endpoint.disabled` (an endpoint stopped receiving after a 410); their payload schemas are in schemas/events.ts. */
export const EVENT_TYPES = ['account.linked', 'account.link_failed', 'account.invalidated', 'account.unlinked', 'endpoint.disabled'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type AccountEventType = Exclude<EventType, 'endpoint.disabled'>;

export type { WebhookEvent, AccountEvent, EndpointDisabledEvent } from './schemas/events.js';
import type { WebhookEvent } from './schemas/events.js';

/**
 * What places an event's messages in a data shard (src/domain/shards.ts): the tenant it is about,
 * beside the request it confirms; an endpoint event, about no tenant, goes by its endpoint's id.
 */
export function eventShardKey(event: WebhookEvent): string {
  return event.type === 'endpoint.disabled' ? event.data.endpointId : event.data.tenantId;
}
