/** Webhook event types of DESIGN §5; their payload schemas are in schemas/events.ts. */
export const EVENT_TYPES = ['account.linked', 'account.link_failed', 'account.invalidated', 'account.unlinked'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type { WebhookEvent } from './schemas/events.js';
