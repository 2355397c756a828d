import { Worker, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { CheckOutcome } from '../src/providers/provider.js';
import { admitCall, closedBreaker, recordCall, type BreakerOptions, type BreakerState, type ProviderHealth } from '../src/domain/circuit-breaker.js';

const healthOf = (outcome: CheckOutcome): ProviderHealth =>
  outcome.kind === 'retryable' ? 'unavailable' : outcome.kind === 'rate_limited' ? 'neutral' : 'healthy';

/**
 * Pauses the whole validate queue while the provider is down, so an outage does not burn every
 * tenant's attempts.
 *
 * Failures are counted per worker process (no Redis write per provider call on the hot path); the
 * pause is shared: it is BullMQ's queue rate limiter key in Redis, so every worker of every process
 * stops fetching at once, and the key's TTL ends the pause by itself even if this process dies.
 * A held job goes back to waiting with `Worker.RateLimitError`, which spends no attempt.
 */
export class ValidateBreaker {
  private state: BreakerState = closedBreaker();

  constructor(
    private readonly queue: Queue,
    private readonly options: BreakerOptions,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Call before the provider; throws the rate-limit error (job back to waiting) while open. */
  async admit(): Promise<void> {
    const { state, admitted, waitMs } = admitCall(this.state, this.now(), this.options);
    this.state = state;
    if (!admitted) await this.hold(waitMs);
  }

  /** Call with the provider's answer; throws the rate-limit error when the answer must not count. */
  async record(outcome: CheckOutcome, tenant: string): Promise<void> {
    const before = this.state.kind;
    const { state, tripped, counts } = recordCall(this.state, healthOf(outcome), tenant, this.now(), this.options);
    this.state = state;
    if (tripped) this.logger.warn({ cooldownMs: this.options.cooldownMs, lastError: outcome.kind === 'retryable' ? outcome.message : undefined }, 'provider unavailable: validation paused for every tenant');
    else if (before !== 'closed' && state.kind === 'closed') this.logger.info('provider answers again: validation resumed');
    if (!counts) await this.hold(state.kind === 'open' ? state.until - this.now() : this.options.cooldownMs);
  }

  private async hold(ms: number): Promise<never> {
    await this.queue.rateLimit(Math.max(1, Math.round(ms)));
    throw Worker.RateLimitError();
  }
}
