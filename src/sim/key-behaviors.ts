import { z } from 'zod';

/** The company a key answers for; derived from the key when not given (see fake-identities.ts). */
export const simCompanySchema = z.strictObject({
  identifier: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
});
export type SimCompany = z.infer<typeof simCompanySchema>;

const company = simCompanySchema.optional();

// A discriminated union rather than one flat object: a field that makes no sense for a
// kind (say `failures` on a `valid` key) is a mistake in a test or seed file, so reject it.
export const keyBehaviorSchema = z.discriminatedUnion('kind', [
  /** 200 with the company. */
  z.strictObject({ kind: z.literal('valid'), company }),
  /** 401: the key does not exist (revoked, mistyped). */
  z.strictObject({ kind: z.literal('invalid'), company }),
  /** 403 on the company: the key exists but its System Role / Access Group cannot read it. */
  z.strictObject({ kind: z.literal('forbidden'), company }),
  /** 403 everywhere: the company has no Customer API feature. */
  z.strictObject({ kind: z.literal('no_api_feature'), company }),
  /** `failures` × 503, then 200 for good. */
  z.strictObject({
    kind: z.literal('flaky'),
    company,
    failures: z.number().int().min(0).max(1_000_000).default(1),
  }),
  /** 200 after `latencyMs` (on top of the global latency). */
  z.strictObject({
    kind: z.literal('slow'),
    company,
    latencyMs: z.number().int().min(0).max(600_000).default(500),
  }),
  /**
   * 429, `times` times (omitted: forever), then 200. `retryAfter` is the Retry-After header in
   * seconds; null sends the 429 without one, because SmartRecruiters does not document it.
   */
  z.strictObject({
    kind: z.literal('rate_limited'),
    company,
    retryAfter: z.number().int().min(0).max(86_400).nullable().default(1),
    times: z.number().int().min(0).max(1_000_000).optional(),
  }),
  /** Answers `status` forever (e.g. 500, 502, 404). */
  z.strictObject({
    kind: z.literal('error'),
    company,
    status: z.number().int().min(400).max(599).default(500),
  }),
]);

/** A behaviour as written by a test, the demo or a seed file (defaults may be omitted). */
export type KeyBehavior = z.input<typeof keyBehaviorSchema>;
/** A behaviour after validation, defaults filled in. */
export type ResolvedKeyBehavior = z.output<typeof keyBehaviorSchema>;
export type KeyBehaviorKind = ResolvedKeyBehavior['kind'];

/** Validates a behaviour; throws an Error naming the bad fields. */
export function parseKeyBehavior(input: unknown): ResolvedKeyBehavior {
  const result = keyBehaviorSchema.safeParse(input);
  if (!result.success) {
    throw new Error(`Invalid key behaviour: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}
