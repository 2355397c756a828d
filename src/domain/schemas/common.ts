import { z } from 'zod';

export const PROVIDERS = ['smartrecruiters'] as const;
export const providerSchema = z.enum(PROVIDERS, {
  error: (issue) => `unknown provider ${JSON.stringify(issue.input)}; supported: ${PROVIDERS.join(', ')}`,
});
export type Provider = z.infer<typeof providerSchema>;

/** Tenant ids are the platform's own; they become part of Redis keys, so no spaces or braces. */
export const tenantIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,199}$/, 'tenantId must be 1-200 characters: letters, digits and . _ : @ / + = - (starting with a letter or digit)');

export const MAX_METADATA_BYTES = 4096;
export const metadataSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= MAX_METADATA_BYTES, `metadata must serialize to at most ${MAX_METADATA_BYTES} bytes`);

/** SmartRecruiters keys are 32 characters (customer) or 64 (partner); allow some room around both. */
export const apiKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{20,256}$/, 'apiKey must be 20-256 printable characters without spaces (SmartRecruiters keys have 32, partner keys 64)');

export const companySchema = z.object({ identifier: z.string(), name: z.string() }).meta({ id: 'Company' });
/** Written by the service (toISOString), so only documented, not re-validated on the way out. */
export const timestampSchema = z.string().meta({ format: 'date-time', description: 'RFC 3339 timestamp (UTC)' });

export const MAX_PAGE_SIZE = 500;

/**
 * Query strings are text; `limit` is parsed without coercing anything else. The document shows
 * the parsed side (an integer from 1 to MAX_PAGE_SIZE), which is what a client sends.
 */
export const listQueryBase = {
  limit: z
    .string()
    .regex(/^\d{1,4}$/, `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, 'limit must be at least 1')
        .max(MAX_PAGE_SIZE, `limit must be at most ${MAX_PAGE_SIZE}`)
        .describe(`page size, 1 to ${MAX_PAGE_SIZE}; default 50`),
    )
    .optional(),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
};

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}
