import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { keyBehaviorSchema, type ResolvedKeyBehavior } from './key-behaviors.js';
import { rateLimitOptionsSchema, type RateLimitOptions } from './rate-limiter.js';
import { simulatorKnobsSchema } from './simulator-knobs.js';

/**
 * A seed file: `{keys?: {"<key>": <behaviour>}, latencyMs?, errorRate?, rateLimit?}`.
 * Strict so that a typo ("latency") fails loudly instead of being silently ignored.
 */
export const seedFileSchema = z.strictObject({
  keys: z.record(z.string().min(1), keyBehaviorSchema).optional(),
  ...simulatorKnobsSchema.shape,
  rateLimit: z.union([z.literal(false), rateLimitOptionsSchema]).optional(),
});

export interface SeedFile {
  keys: Record<string, ResolvedKeyBehavior>;
  latencyMs?: number;
  errorRate?: number;
  rateLimit?: RateLimitOptions | false;
}

/** Reads and validates a seed file; the error names the file and the bad fields. */
export async function loadSeedFile(path: string): Promise<SeedFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read simulator seed file ${path}: ${(error as Error).message}`);
  }
  const result = seedFileSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(`Invalid simulator seed file ${path}: ${z.prettifyError(result.error)}`);
  }
  const { keys, ...rest } = result.data;
  return { keys: keys ?? {}, ...rest };
}
