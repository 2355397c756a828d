import type { Provider } from '../domain/schemas/common.js';
import type { LinkErrorCode } from '../domain/link-errors.js';

/**
 * What one credential check concluded. `final` failures are never retried; `retryable` ones burn an
 * attempt; `rate_limited` waits without burning one.
 */
export type CheckOutcome =
  | { kind: 'success'; httpStatus: number; company: { identifier: string; name: string } }
  | { kind: 'final'; httpStatus: number; code: Exclude<LinkErrorCode, 'provider_unavailable' | 'canceled'>; message: string }
  | { kind: 'retryable'; httpStatus: number | null; message: string }
  | { kind: 'rate_limited'; httpStatus: 429; retryAfterMs: number | undefined; message: string };

export interface ProviderClient {
  readonly id: Provider;
  /** Checks one key; never throws for provider or network trouble, it classifies it. */
  check(apiKey: string): Promise<CheckOutcome>;
  /** Waits for calls in flight; `force` aborts them instead (a shutdown past its drain time). */
  close(options?: { force?: boolean }): Promise<void>;
}
