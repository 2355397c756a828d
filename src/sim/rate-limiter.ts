import { z } from 'zod';
import { SlidingWindow } from './sliding-window.js';

export const rateLimitOptionsSchema = z.strictObject({
  /** Accepted requests per credential in any sliding 1 s window. Default 10 (SmartRecruiters' limit). */
  perSecond: z.number().int().min(1).max(1_000_000).optional(),
  /** Requests per credential in flight at once. Default 8 (SmartRecruiters' limit). */
  concurrent: z.number().int().min(1).max(1_000_000).optional(),
  /**
   * Send `Retry-After` (seconds until a slot frees) on the limiter's own 429s. Default false:
   * SmartRecruiters does not document the header, so clients must cope without it.
   */
  retryAfter: z.boolean().optional(),
});
export type RateLimitOptions = z.infer<typeof rateLimitOptionsSchema>;

export const DEFAULT_RATE_LIMIT = { perSecond: 10, concurrent: 8, retryAfter: false } as const;

export type RateLimitHeaders = {
  'X-RateLimit-Limit': string;
  'X-RateLimit-Remaining': string;
  'X-RateLimit-Concurrent-Limit': string;
  'X-RateLimit-Concurrent-Remaining': string;
};

export type RateLimitDecision =
  | {
      allowed: true;
      headers: RateLimitHeaders;
      /** Frees the concurrency slot; idempotent, so call it from every way a request can end. */
      release: () => void;
    }
  | {
      allowed: false;
      reason: 'rate' | 'concurrency';
      headers: RateLimitHeaders;
      /** Seconds until a slot frees; set only when the `retryAfter` option is on. */
      retryAfterSeconds?: number;
    };

interface CredentialState {
  accepted: SlidingWindow;
  inFlight: number;
}

/**
 * SmartRecruiters' per-credential limits: requests per second (sliding window over accepted
 * requests, so a client hammering through 429s is not locked out for ever) and requests in
 * flight. Keyed by the raw credential, held only in memory, never exposed.
 */
export class RateLimiter {
  readonly perSecond: number;
  readonly concurrent: number;
  readonly sendRetryAfter: boolean;
  #states = new Map<string, CredentialState>();
  #sweepAt = 1024;

  constructor(options: RateLimitOptions = {}) {
    const parsed = rateLimitOptionsSchema.parse(options);
    this.perSecond = parsed.perSecond ?? DEFAULT_RATE_LIMIT.perSecond;
    this.concurrent = parsed.concurrent ?? DEFAULT_RATE_LIMIT.concurrent;
    this.sendRetryAfter = parsed.retryAfter ?? DEFAULT_RATE_LIMIT.retryAfter;
  }

  /** Headers for a response that is not tied to a credential (no token): a fresh budget. */
  idleHeaders(): RateLimitHeaders {
    return this.#headers(this.perSecond, this.concurrent);
  }

  /** Admits or refuses one request of `credential` arriving at `now` (ms, monotonic). */
  acquire(credential: string, now: number): RateLimitDecision {
    let state = this.#states.get(credential);
    if (!state) {
      if (this.#states.size >= this.#sweepAt) this.#sweep(now);
      state = { accepted: new SlidingWindow(1000), inFlight: 0 };
      this.#states.set(credential, state);
    }
    const inWindow = state.accepted.count(now);
    if (inWindow >= this.perSecond) {
      return this.#refuse('rate', state, now, 0, this.concurrent - state.inFlight);
    }
    if (state.inFlight >= this.concurrent) {
      return this.#refuse('concurrency', state, now, this.perSecond - inWindow, 0);
    }
    const used = state.accepted.add(now);
    state.inFlight++;
    const admitted = state;
    let released = false;
    return {
      allowed: true,
      headers: this.#headers(this.perSecond - used, this.concurrent - state.inFlight),
      release: () => {
        if (released) return;
        released = true;
        admitted.inFlight--;
      },
    };
  }

  /** Forgets every credential's window (in-flight requests still release harmlessly). */
  reset(): void {
    this.#states.clear();
  }

  // Drops idle credentials so a benchmark over 100k keys does not keep 100k windows alive.
  // Runs only when the map has doubled since the last sweep, so it is amortised O(1).
  #sweep(now: number): void {
    for (const [credential, state] of this.#states) {
      if (state.inFlight === 0 && state.accepted.count(now) === 0) this.#states.delete(credential);
    }
    this.#sweepAt = Math.max(1024, this.#states.size * 2);
  }

  #refuse(
    reason: 'rate' | 'concurrency',
    state: CredentialState,
    now: number,
    remaining: number,
    concurrentRemaining: number,
  ): RateLimitDecision {
    const decision: RateLimitDecision = {
      allowed: false,
      reason,
      headers: this.#headers(remaining, concurrentRemaining),
    };
    if (this.sendRetryAfter) {
      // For a concurrency refusal we cannot know when a request finishes; 1 s is the honest floor.
      const waitMs = reason === 'rate' ? state.accepted.nextExpiry(now) - now : 1000;
      decision.retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    }
    return decision;
  }

  #headers(remaining: number, concurrentRemaining: number): RateLimitHeaders {
    return {
      'X-RateLimit-Limit': String(this.perSecond),
      'X-RateLimit-Remaining': String(Math.max(0, remaining)),
      'X-RateLimit-Concurrent-Limit': String(this.concurrent),
      'X-RateLimit-Concurrent-Remaining': String(Math.max(0, concurrentRemaining)),
    };
  }
}
