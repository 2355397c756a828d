import { z } from 'zod';
import { LINK_ERROR_CODES } from '../link-errors.js';
import { companySchema, providerSchema, timestampSchema } from './common.js';
import { INVALIDATION_CODES } from './account.js';

/** Webhook event types of DESIGN §5, and `endpoint.disabled` (an endpoint stopped receiving after a 410). */
export const EVENT_TYPES = ['account.linked', 'account.link_failed', 'account.invalidated', 'account.unlinked', 'endpoint.disabled'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Fields every account event carries (DESIGN §5); each type pins what it knows. Never the key. */
const dataBase = z.object({
  connectRequestId: z.string().nullable(),
  batchId: z.string().nullable(),
  accountId: z.string().nullable(),
  tenantId: z.string(),
  provider: providerSchema,
  company: companySchema.nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable().describe('the metadata sent with the connect request'),
});

const eventOf = <T extends EventType, D extends z.ZodRawShape>(type: T, id: string, description: string, data: D) =>
  z
    .object({
      type: z.literal(type),
      timestamp: timestampSchema.describe('when the change happened; the same on every delivery attempt'),
      data: dataBase.extend(data),
    })
    .meta({ id, description });

export const accountLinkedEventSchema = eventOf('account.linked', 'AccountLinkedEvent', 'A connect request linked its tenant: the key works.', {
  connectRequestId: z.string(),
  accountId: z.string(),
  company: companySchema,
  status: z.literal('linked'),
  error: z.null(),
  operation: z.enum(['created', 'updated']).describe('created the first time this tenant links; updated when a new key replaced the old one'),
});

export const accountLinkFailedEventSchema = eventOf('account.link_failed', 'AccountLinkFailedEvent', 'A connect request failed; error.code says why.', {
  connectRequestId: z.string(),
  status: z.literal('failed'),
  error: z.object({ code: z.enum(LINK_ERROR_CODES), message: z.string() }),
  operation: z.null(),
});

const invalidationErrorSchema = z.object({ code: z.enum(INVALIDATION_CODES), message: z.string() });

export const accountInvalidatedEventSchema = eventOf('account.invalidated', 'AccountInvalidatedEvent', 'A re-check of a linked account got a definite 401/403: the key no longer works.', {
  connectRequestId: z.null(),
  batchId: z.null(),
  accountId: z.string(),
  status: z.literal('invalid'),
  error: invalidationErrorSchema,
  metadata: z.null(),
  operation: z.null(),
});

export const accountUnlinkedEventSchema = eventOf('account.unlinked', 'AccountUnlinkedEvent', 'The platform unlinked the account (DELETE /v1/accounts/:id); its key is destroyed.', {
  connectRequestId: z.null(),
  batchId: z.null(),
  accountId: z.string(),
  status: z.literal('revoked'),
  error: invalidationErrorSchema.nullable().describe('why it was invalid before, if it was'),
  metadata: z.null(),
  operation: z.null(),
});

export const endpointDisabledEventSchema = z
  .object({
    type: z.literal('endpoint.disabled'),
    timestamp: timestampSchema.describe('when the endpoint was disabled; the same on every delivery attempt'),
    data: z.object({
      endpointId: z.string(),
      url: z.string(),
      disabledReason: z.string().describe('why it stopped receiving, e.g. the receiver answered 410 Gone'),
      disabledAt: timestampSchema,
    }),
  })
  .meta({
    id: 'EndpointDisabledEvent',
    description: "Sent to the platform's other enabled endpoints when one is disabled (its receiver answered 410), so the platform learns it stopped hearing there. Re-enable with POST /v1/webhook-endpoints/{id}/enable.",
  });

/** One schema per event type: the OpenAPI `webhooks` section and the typed union come from here. */
export const EVENT_SCHEMAS = {
  'account.linked': accountLinkedEventSchema,
  'account.link_failed': accountLinkFailedEventSchema,
  'account.invalidated': accountInvalidatedEventSchema,
  'account.unlinked': accountUnlinkedEventSchema,
  'endpoint.disabled': endpointDisabledEventSchema,
} satisfies { [T in EventType]: z.ZodType<{ type: T }> };

export const webhookEventSchema = z
  .discriminatedUnion('type', [accountLinkedEventSchema, accountLinkFailedEventSchema, accountInvalidatedEventSchema, accountUnlinkedEventSchema, endpointDisabledEventSchema])
  .meta({ id: 'WebhookEvent', description: 'The body of every webhook; switch on `type`.' });
export type WebhookEvent = z.infer<typeof webhookEventSchema>;
export type EndpointDisabledEvent = z.infer<typeof endpointDisabledEventSchema>;
/** The events about one tenant's account (all but `endpoint.disabled`). */
export type AccountEvent = Exclude<WebhookEvent, EndpointDisabledEvent>;
