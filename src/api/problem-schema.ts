import { z } from 'zod';
import { PROBLEM_CODES, problemType } from './errors.js';

/** The body of every error answer (RFC 9457), as ProblemError.toJSON writes it. */
export const problemSchema = z
  .object({
    type: z.enum(PROBLEM_CODES.map(problemType) as [string, ...string[]]).describe('urn:account-linker:problem:<code>; switch on this'),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string().describe('what went wrong and what to do about it'),
    errors: z
      .array(z.object({ path: z.string().describe('e.g. body.credentials.apiKey'), message: z.string() }))
      .optional()
      .describe('each invalid field, on invalid_input'),
    inFlightId: z.string().optional().describe('on in_flight: the connect request still running for this tenant'),
    limit: z.number().int().optional().describe('on endpoint_limit: the most webhook endpoints a platform may have'),
    allowedOrigins: z.array(z.string()).optional().describe('on session_expired: origins the Hub may still message (to close itself)'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
export type Problem = z.infer<typeof problemSchema>;
