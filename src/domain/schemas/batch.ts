import { z } from 'zod';
import { CONFIRMATIONS, REQUEST_STATUSES } from '../connect-request-state.js';
import { timestampSchema } from './common.js';

const countsOf = <T extends readonly [string, ...string[]]>(names: T) =>
  z.object(Object.fromEntries(names.map((n) => [n, z.number().int()])) as Record<T[number], z.ZodNumber>);

export const batchSchema = z.object({
  id: z.string(),
  total: z.number().int().describe('accepted requests'),
  counts: countsOf(REQUEST_STATUSES),
  confirmation: countsOf(CONFIRMATIONS),
  createdAt: timestampSchema,
  completedAt: timestampSchema.nullable(),
  position: z.number().int().min(0).describe('requests of other work the validate queues serve before this batch is through (approximate)'),
  estimatedCompletionAt: timestampSchema.nullable().describe('when the batch should be through at the measured validation rate; null while nothing has been validated lately'),
  paused: z
    .object({ reason: z.string(), resumesAt: timestampSchema })
    .optional()
    .describe('present while the provider breaker holds validation for every tenant: why, and when it tries the provider again'),
}).meta({ id: 'Batch' });
export type Batch = z.infer<typeof batchSchema>;
