/** Webhook event types of DESIGN §5, and `endpoint.disabled` (an endpoint stopped receiving after a 410). */
export const EVENT_TYPES = ['account.linked', 'account.link_failed', 'account.invalidated', 'account.unlinked', 'endpoint.disabled'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type AccountEventType = Exclude<EventType, 'endpoint.disabled'>;

export interface EventData {
  connectRequestId: string | null;
  batchId: string | null;
  accountId: string | null;
  tenantId: string;
  provider: string;
  status: string;
  error: { code: string; message: string } | null;
  company: { identifier: string; name: string } | null;
  metadata: Record<string, unknown> | null;
  operation: 'created' | 'updated' | null;
}

export interface AccountEvent {
  type: AccountEventType;
  timestamp: string;
  data: EventData;
}

/** Sent to a platform's other endpoints when one is disabled, so the platform learns it stopped hearing there. */
export interface EndpointDisabledEvent {
  type: 'endpoint.disabled';
  timestamp: string;
  data: { endpointId: string; url: string; disabledReason: string; disabledAt: string };
}

export type WebhookEvent = AccountEvent | EndpointDisabledEvent;

/**
 * What places an event's messages in a data shard (src/domain/shards.ts): the tenant it is about,
 * beside the request it confirms; an endpoint event, about no tenant, goes by its endpoint's id.
 */
export function eventShardKey(event: WebhookEvent): string {
  return event.type === 'endpoint.disabled' ? event.data.endpointId : event.data.tenantId;
}
