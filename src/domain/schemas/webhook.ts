import { z } from 'zod';
import { EVENT_TYPES } from '../events.js';
import { listQueryBase, timestampSchema } from './common.js';
import { webhookEventSchema } from './events.js';

export const webhookEndpointInputSchema = z.strictObject({
  url: z.string().max(2048).url('url must be an absolute http(s) URL'),
  events: z.array(z.enum(EVENT_TYPES)).min(1, 'events must name at least one event, or be left out for every event').optional(),
  description: z.string().max(200).optional(),
}).meta({ id: 'WebhookEndpointInput' });
export type WebhookEndpointInput = z.infer<typeof webhookEndpointInputSchema>;

export const webhookEndpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(EVENT_TYPES)),
  description: z.string().nullable(),
  status: z.enum(['enabled', 'disabled']).describe('disabled after the receiver answered 410 Gone; POST /v1/webhook-endpoints/:id/enable sends to it again'),
  disabledReason: z.string().nullable().describe('why it was disabled; null while enabled'),
  disabledAt: timestampSchema.nullable().describe('when it was disabled; null while enabled'),
  createdAt: timestampSchema,
}).meta({ id: 'WebhookEndpoint' });
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

/** Only creation and rotation return the secret, once. */
export const webhookEndpointWithSecretSchema = webhookEndpointSchema.extend({
  secret: z.string().describe('whsec_…; shown once'),
}).meta({ id: 'WebhookEndpointWithSecret' });

export const deliveryAttemptSchema = z.object({
  n: z.number().int(),
  at: timestampSchema,
  httpStatus: z.number().int().nullable(),
  durationMs: z.number().int(),
  error: z.string().nullable(),
}).meta({ id: 'DeliveryAttempt' });
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;

export const MESSAGE_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const webhookMessageSchema = z.object({
  id: z.string().describe('also the webhook-id header: stable across retries'),
  endpointId: z.string(),
  eventType: z.enum(EVENT_TYPES),
  connectRequestId: z.string().nullable(),
  status: z.enum(MESSAGE_STATUSES),
  attempts: z.array(deliveryAttemptSchema),
  payload: webhookEventSchema.describe('the body that was signed and sent'),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
}).meta({ id: 'WebhookMessage' });
export type WebhookMessage = z.infer<typeof webhookMessageSchema>;

const timeBound = (name: string) =>
  z.iso
    .datetime({ offset: true, message: `${name} must be an RFC 3339 timestamp, e.g. 2026-11-30T12:00:00Z` })
    .transform((value) => Date.parse(value))
    .optional();

/** The delivery-log filters (src/domain/message-filter.ts), shared by the list and bulk redelivery. */
const messageFilterFields = {
  connectRequestId: z.string().max(64).optional(),
  accountId: z.string().max(64).optional(),
  type: z.enum(EVENT_TYPES).optional(),
  status: z.enum(MESSAGE_STATUSES).optional(),
  since: timeBound('since').describe('created at or after'),
  until: timeBound('until').describe('created at or before'),
};

const sinceBeforeUntil = (filter: { since?: number; until?: number }) => filter.since === undefined || filter.until === undefined || filter.since <= filter.until;
const SINCE_AFTER_UNTIL = { message: 'since must not be later than until', path: ['since'] };

export const webhookMessageListQuerySchema = z
  .strictObject({ ...messageFilterFields, ...listQueryBase })
  .refine(sinceBeforeUntil, SINCE_AFTER_UNTIL);

/** Most messages one bulk redelivery call looks at; pass `nextCursor` back for more. */
export const MAX_REDELIVER_BATCH = 1000;

export const redeliverMessagesInputSchema = z
  .strictObject({
    ...messageFilterFields,
    limit: z
      .number()
      .int()
      .min(1, 'limit must be at least 1')
      .max(MAX_REDELIVER_BATCH, `limit must be at most ${MAX_REDELIVER_BATCH}; pass nextCursor back as cursor for the next ones`)
      .default(100)
      .describe('most matching messages to look at in this call'),
    cursor: z.string().max(200).optional(),
  })
  .refine(sinceBeforeUntil, SINCE_AFTER_UNTIL);

export const REDELIVER_SKIP_REASONS = ['in_progress', 'endpoint_disabled', 'endpoint_deleted'] as const;

export const redeliverMessagesResultSchema = z.object({
  redelivered: z.array(z.string()).describe('ids of the messages queued again, each with a fresh retry schedule'),
  skipped: z.array(z.object({ id: z.string(), reason: z.enum(REDELIVER_SKIP_REASONS) })).describe('matching messages left as they were'),
  nextCursor: z.string().nullable().describe('more messages may match: send the same filter with this cursor'),
});
