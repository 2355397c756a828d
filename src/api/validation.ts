import type { z } from 'zod';
import { problems, type ProblemFieldError } from './errors.js';

function fieldErrors(error: z.ZodError, where: string): ProblemFieldError[] {
  return error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/** Parses `input` or throws a 400 problem listing every field that is wrong. Never coerces types. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, where: 'body' | 'query' | 'params' | 'headers'): z.output<S> {
  if (where === 'body' && (input === undefined || input === null)) {
    throw problems.invalidInput('The request needs a JSON body; send one with "Content-Type: application/json".');
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors = fieldErrors(parsed.error, where);
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  throw problems.invalidInput(`${first.path}: ${first.message}${more}`, errors);
}
