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
  status: z.enum(['enabled', 'disabled']).describe('disabled after the receiver answered 410 Gone'),
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

export const webhookMessageListQuerySchema = z.strictObject({
  connectRequestId: z.string().max(64).optional(),
  ...listQueryBase,
});
