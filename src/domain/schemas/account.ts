import { z } from 'zod';
import { companySchema, listQueryBase, providerSchema, tenantIdSchema, timestampSchema } from './common.js';

export const ACCOUNT_STATUSES = ['active', 'invalid', 'revoked'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const accountHistoryEntrySchema = z.object({
  at: timestampSchema,
  status: z.enum(ACCOUNT_STATUSES),
  reason: z.string(),
  connectRequestId: z.string().optional(),
  operation: z.enum(['created', 'updated']).optional(),
});

export const accountSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  provider: providerSchema,
  status: z.enum(ACCOUNT_STATUSES),
  company: companySchema.nullable(),
  credential: z.object({ fingerprint: z.string().describe('last 4 characters of the API key') }).nullable(),
  connectRequestId: z.string().nullable().describe('the request that last linked it'),
  lastReason: z.string().nullable().describe('why the status last changed'),
  linkedAt: timestampSchema.nullable(),
  lastValidatedAt: timestampSchema.nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  history: z.array(accountHistoryEntrySchema),
});
export type Account = z.infer<typeof accountSchema>;

export const accountListQuerySchema = z.strictObject({
  tenantId: tenantIdSchema.optional(),
  status: z.enum(ACCOUNT_STATUSES).optional(),
  ...listQueryBase,
});
export type AccountListQuery = z.infer<typeof accountListQuerySchema>;
