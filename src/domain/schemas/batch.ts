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
}).meta({ id: 'Batch' });
export type Batch = z.infer<typeof batchSchema>;
