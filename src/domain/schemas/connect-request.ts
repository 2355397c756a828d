import { z } from 'zod';
import { CONFIRMATIONS, REQUEST_STATUSES } from '../connect-request-state.js';
import { LINK_ERROR_CODES } from '../link-errors.js';
import {
  apiKeySchema,
  companySchema,
  listQueryBase,
  metadataSchema,
  providerSchema,
  tenantIdSchema,
  timestampSchema,
} from './common.js';

export const connectRequestInputSchema = z.strictObject({
  tenantId: tenantIdSchema,
  provider: providerSchema,
  credentials: z.strictObject({ apiKey: apiKeySchema }),
  metadata: metadataSchema.optional(),
}).meta({ id: 'ConnectRequestInput' });
export type ConnectRequestInput = z.infer<typeof connectRequestInputSchema>;

export const attemptSchema = z.object({
  n: z.number().int().describe('attempt number; 429 waits are recorded but do not count'),
  at: timestampSchema,
  outcome: z.enum(['success', 'invalid_credentials', 'insufficient_permissions', 'provider_error', 'retryable', 'rate_limited']),
  httpStatus: z.number().int().nullable(),
  durationMs: z.number().int(),
  error: z.string().nullable().optional(),
}).meta({ id: 'Attempt' });
export type Attempt = z.infer<typeof attemptSchema>;

export const connectRequestSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  provider: providerSchema,
  status: z.enum(REQUEST_STATUSES),
  confirmation: z.enum(CONFIRMATIONS),
  error: z.object({ code: z.enum(LINK_ERROR_CODES), message: z.string() }).nullable(),
  accountId: z.string().nullable(),
  batchId: z.string().nullable(),
  operation: z.enum(['created', 'updated']).nullable(),
  company: companySchema.nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  attempts: z.array(attemptSchema),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  completedAt: timestampSchema.nullable(),
}).meta({ id: 'ConnectRequest' });
export type ConnectRequest = z.infer<typeof connectRequestSchema>;

export const connectRequestListQuerySchema = z.strictObject({
  status: z.enum(REQUEST_STATUSES).optional(),
  tenantId: tenantIdSchema.optional(),
  batchId: z.string().max(64).optional(),
  ...listQueryBase,
});
export type ConnectRequestListQuery = z.infer<typeof connectRequestListQuerySchema>;
