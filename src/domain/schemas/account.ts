import { z } from 'zod';
import { companySchema, listQueryBase, providerSchema, tenantIdSchema, timestampSchema } from './common.js';

export const ACCOUNT_STATUSES = ['active', 'invalid', 'revoked'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** The definite provider answers (401, 403) that make an account invalid; anything else leaves it active. */
export const INVALIDATION_CODES = ['invalid_credentials', 'insufficient_permissions'] as const;
export type InvalidationCode = (typeof INVALIDATION_CODES)[number];
const invalidationCodeSchema = z.enum(INVALIDATION_CODES);

export const accountHistoryEntrySchema = z.object({
  at: timestampSchema,
  status: z.enum(ACCOUNT_STATUSES),
  reason: z.string(),
  connectRequestId: z.string().optional(),
  operation: z.enum(['created', 'updated']).optional(),
  errorCode: invalidationCodeSchema.optional().describe('why a check invalidated the account'),
}).meta({ id: 'AccountHistoryEntry' });

export const accountSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  provider: providerSchema,
  status: z.enum(ACCOUNT_STATUSES),
  company: companySchema.nullable(),
  credential: z.object({ fingerprint: z.string().describe('last 4 characters of the API key') }).nullable(),
  connectRequestId: z.string().nullable().describe('the request that last linked it'),
  lastReason: z.string().nullable().describe('why the status last changed'),
  error: z
    .object({ code: invalidationCodeSchema, message: z.string() })
    .nullable()
    .describe('while invalid: the provider answer that made it so'),
  linkedAt: timestampSchema.nullable(),
  lastValidatedAt: timestampSchema.nullable().describe('when SmartRecruiters last gave a definite answer about the key'),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  history: z.array(accountHistoryEntrySchema),
}).meta({ id: 'Account' });
export type Account = z.infer<typeof accountSchema>;

export const accountListQuerySchema = z.strictObject({
  tenantId: tenantIdSchema.optional(),
  status: z.enum(ACCOUNT_STATUSES).optional(),
  ...listQueryBase,
});
export type AccountListQuery = z.infer<typeof accountListQuerySchema>;
