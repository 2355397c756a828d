import { createHash } from 'node:crypto';
import type { ResolvedKeyBehavior } from './key-behaviors.js';

/** SmartRecruiters customer API keys are 32 characters. */
export const SIM_KEY_LENGTH = 32;

/**
 * The key naming convention: the one place it is defined.
 *
 * So that tests, the demo and benchmarks can mint keys without an admin call, an
 * unregistered 32-character key behaves according to how it starts:
 *
 * | key starts with        | behaviour                                                    |
 * |------------------------|--------------------------------------------------------------|
 * | `valid`                | 200 with a company derived from the key                       |
 * | `invalid`              | 401                                                           |
 * | `forbidden`            | 403 "doesn't have the access right" on the company            |
 * | `nofeature`            | 403 "No access to feature: Customer API"                      |
 * | `flaky<N>`             | N × 503, then 200 (`flaky` alone: N = 1)                       |
 * | `slow<MS>`             | 200 after MS milliseconds (`slow` alone: 500 ms)              |
 * | `ratelimit<S>`         | 429 forever with `Retry-After: S` (`ratelimit` alone: S = 1)  |
 * | `ratelimitx`           | 429 forever without Retry-After                               |
 * | `ratelimit<S|x>t<T>`   | the same, but only T times, then 200                          |
 * | `error<NNN>`           | status NNN (three digits, 400–599) forever; `error` alone: 500 |
 *
 * The rest of the key is padding and may be anything, but a parameter is the longest run
 * of digits right after the prefix, so padding must not start with a digit (nor with
 * `t<digit>` after a `ratelimit` prefix). {@link simKey} pads with `-` + hex, which is safe.
 *
 * Registered keys (options.keys, the seed file, setKey, `PUT /_sim/keys/:key`) win over the
 * convention. Any other key (unregistered, no known prefix, or not 32 characters) is
 * unknown to SmartRecruiters: 401.
 */
const CONVENTION: ReadonlyArray<{
  pattern: RegExp;
  behavior: (match: RegExpExecArray) => ResolvedKeyBehavior | undefined;
}> = [
  // `invalid` is listed before `valid` only for readability: `invalid…` never starts with `valid`.
  { pattern: /^invalid/, behavior: () => ({ kind: 'invalid' }) },
  { pattern: /^valid/, behavior: () => ({ kind: 'valid' }) },
  { pattern: /^forbidden/, behavior: () => ({ kind: 'forbidden' }) },
  { pattern: /^nofeature/, behavior: () => ({ kind: 'no_api_feature' }) },
  {
    pattern: /^flaky(\d*)/,
    behavior: (m) => ({ kind: 'flaky', failures: m[1] ? Number(m[1]) : 1 }),
  },
  {
    pattern: /^slow(\d*)/,
    behavior: (m) => ({ kind: 'slow', latencyMs: m[1] ? Math.min(Number(m[1]), 600_000) : 500 }),
  },
  {
    pattern: /^ratelimit(x|\d*)(?:t(\d+))?/,
    behavior: (m) => ({
      kind: 'rate_limited',
      retryAfter: m[1] === 'x' ? null : m[1] ? Number(m[1]) : 1,
      ...(m[2] ? { times: Number(m[2]) } : {}),
    }),
  },
  {
    pattern: /^error(\d{3})?/,
    behavior: (m) => {
      const status = m[1] ? Number(m[1]) : 500;
      // An out-of-range status is a typo in the key; treat it like any unknown key.
      return status >= 400 && status <= 599 ? { kind: 'error', status } : undefined;
    },
  },
];

/** The behaviour the naming convention gives `key`, or undefined (an unknown key: 401). */
export function behaviorFromKeyName(key: string): ResolvedKeyBehavior | undefined {
  if (key.length !== SIM_KEY_LENGTH) return undefined;
  for (const { pattern, behavior } of CONVENTION) {
    const match = pattern.exec(key);
    if (match) return behavior(match);
  }
  return undefined;
}

/**
 * Builds a 32-character key following the convention, e.g. `simKey('flaky2', 'tenant-17')`.
 * Deterministic in (prefix, seed) so a re-run of the demo or a test makes the same keys;
 * vary `seed` to get distinct keys (distinct rate-limit buckets) with the same behaviour.
 */
export function simKey(prefix: string, seed: string | number = ''): string {
  if (prefix.length > SIM_KEY_LENGTH - 2) {
    throw new Error(`simKey prefix must be at most ${SIM_KEY_LENGTH - 2} characters`);
  }
  const padding = createHash('sha256').update(`${prefix}\0${seed}`).digest('hex');
  return `${prefix}-${padding}`.slice(0, SIM_KEY_LENGTH);
}
