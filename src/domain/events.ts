/** Webhook event types of DESIGN §5. */
export const EVENT_TYPES = ['account.linked', 'account.link_failed', 'account.invalidated', 'account.unlinked'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

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

export interface WebhookEvent {
  type: EventType;
  timestamp: string;
  data: EventData;
}
