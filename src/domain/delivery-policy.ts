/**
 * What happens to a webhook message after one try at delivering it (DESIGN §5), as a pure decision
 * (no clock, no I/O): finish it (delivered, or failed for good), retry it later (the attempt
 * counted), or wait (nothing was sent, nothing counts; try the same attempt later).
 */

/** Where the message stands in its current delivery run (a manual redelivery starts a new run). */
export interface DeliveryState {
  /** The attempt just made, counted from the start of the run: 1 for the first. */
  attemptInRun: number;
}

export type DeliveryOutcome =
  /** The receiver answered with this status; `retryAfterMs` from its Retry-After header. */
  | { kind: 'answered'; httpStatus: number; retryAfterMs?: number }
  /** No answer: refused, reset, blocked address, or the attempt's deadline passed. */
  | { kind: 'no_answer' }
  /** The endpoint was deleted or disabled before this attempt: nothing was sent. */
  | { kind: 'endpoint_gone' }
  /** The endpoint had no free slot in this process (LINKER_WEBHOOK_ENDPOINT_CONCURRENCY): nothing was sent. */
  | { kind: 'endpoint_busy' };

export interface DeliverySettings {
  /** LINKER_WEBHOOK_RETRY_SCHEDULE: the wait before each retry; its length is the number of retries. */
  schedule: number[];
  /** LINKER_WEBHOOK_TIMEOUT: the longest a busy endpoint's slot stays taken by one attempt. */
  attemptTimeoutMs: number;
  /** Uniform in [0, 1); Math.random unless a test fixes it. */
  random?: () => number;
}

export type DeliveryDecision =
  /** The message is settled; `disableEndpoint` on a 410 Gone. */
  | { kind: 'finish'; status: 'delivered' | 'failed'; disableEndpoint: boolean }
  /** The attempt counted and failed; the next one runs at `at` (epoch ms). */
  | { kind: 'retry'; at: number }
  /** Nothing counted; the same attempt runs at `at`. */
  | { kind: 'wait'; at: number };

/** Longest wait a receiver's Retry-After may impose before we retry anyway. */
export const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

/**
 * When the next attempt is due after attempt `attemptInRun` of the run failed: that step of the
 * schedule, ±10 % jitter so a receiver that comes back is not hit by every message at once; now
 * when no attempt of the run was made yet.
 */
export function scheduledRetryAt(attemptInRun: number, now: number, settings: DeliverySettings): number {
  if (attemptInRun < 1) return now;
  const random = settings.random ?? Math.random;
  const delay = settings.schedule[Math.min(attemptInRun, settings.schedule.length) - 1] ?? 0;
  return now + Math.round(delay * (0.9 + random() * 0.2));
}

const finish = (status: 'delivered' | 'failed', disableEndpoint = false): DeliveryDecision => ({ kind: 'finish', status, disableEndpoint });

export function next(state: DeliveryState, outcome: DeliveryOutcome, now: number, settings: DeliverySettings): DeliveryDecision {
  const random = settings.random ?? Math.random;
  // Back once a slot is likely free (an attempt holds one for at most the timeout), spread out so
  // the turned-away messages do not all return at once.
  if (outcome.kind === 'endpoint_busy') return { kind: 'wait', at: now + Math.round(settings.attemptTimeoutMs * (0.5 + random() / 2)) };
  if (outcome.kind === 'endpoint_gone') return finish('failed');
  if (outcome.kind === 'answered') {
    if (outcome.httpStatus >= 200 && outcome.httpStatus < 300) return finish('delivered');
    // 410 Gone: the receiver says the endpoint no longer exists; stop sending to it.
    if (outcome.httpStatus === 410) return finish('failed', true);
  }
  const retries = settings.schedule.length;
  if (state.attemptInRun > retries) return finish('failed');
  if (outcome.kind === 'answered' && (outcome.httpStatus === 429 || outcome.httpStatus === 503) && outcome.retryAfterMs !== undefined) {
    return { kind: 'retry', at: now + Math.min(outcome.retryAfterMs, MAX_RETRY_AFTER_MS) };
  }
  return { kind: 'retry', at: scheduledRetryAt(state.attemptInRun, now, settings) };
}
