import { z } from 'zod';

/** Fault-injection knobs that can change while the simulator runs. */
export const simulatorKnobsSchema = z.strictObject({
  /** Added to every API response, in ms. Default 0. */
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  /** Probability (0–1) that an API request gets a random 503. Default 0. */
  errorRate: z.number().min(0).max(1).optional(),
});
export type SimulatorKnobs = z.infer<typeof simulatorKnobsSchema>;

/** Validates knobs; throws an Error naming the bad fields. */
export function parseKnobs(input: unknown): SimulatorKnobs {
  const result = simulatorKnobsSchema.safeParse(input);
  if (!result.success) throw new Error(`Invalid simulator knobs: ${z.prettifyError(result.error)}`);
  return result.data;
}
