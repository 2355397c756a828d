import { z } from 'zod';
import { jsonDepthExceeds } from './json-shape.js';

export const PROVIDERS = ['smartrecruiters'] as const;
export const providerSchema = z.enum(PROVIDERS, {
  error: (issue) =>
    issue.input === undefined
      ? `provider is required; supported: ${PROVIDERS.join(', ')}`
      : `unknown provider ${JSON.stringify(issue.input)}; supported: ${PROVIDERS.join(', ')}`,
});
export type Provider = z.infer<typeof providerSchema>;

/** Tenant ids are the platform's own; they become part of Redis keys, so no spaces or braces. */
export const tenantIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,199}$/, 'tenantId must be 1-200 characters: letters, digits and . _ : @ / + = - (starting with a letter or digit)');

/**
 * Stored size of a request's metadata (UTF-8 bytes of its JSON). It is stored with the request and
 * again in its result webhook for the whole retention period, so it bounds what one item may cost.
 */
export const MAX_METADATA_BYTES = 1024;
/** `{"a":{"b":1}}` is 2 levels. */
export const MAX_METADATA_DEPTH = 10;
// The depth check runs first (abort), so the size check never serializes a deep value.
export const metadataSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => !jsonDepthExceeds(value, MAX_METADATA_DEPTH), { message: `metadata may nest objects and arrays at most ${MAX_METADATA_DEPTH} levels deep`, abort: true })
  .refine(
    (value) => Buffer.byteLength(JSON.stringify(value)) <= MAX_METADATA_BYTES,
    `metadata must serialize to at most ${MAX_METADATA_BYTES} bytes of JSON (UTF-8); keep references there, not documents`,
  );

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
