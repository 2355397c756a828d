import { Worker, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { CheckOutcome } from '../src/providers/provider.js';
import type { ValidationPauseStore } from '../src/store/validation-pause.js';
import { admitCall, closedBreaker, recordCall, type BreakerOptions, type BreakerState, type ProviderHealth } from '../src/domain/circuit-breaker.js';

const healthOf = (outcome: CheckOutcome): ProviderHealth =>
  outcome.kind === 'retryable' ? 'unavailable' : outcome.kind === 'rate_limited' ? 'neutral' : 'healthy';

/**
 * Pauses every validate queue shard while the provider is down, so an outage does not burn every
 * tenant's attempts.
 *
 * Failures are counted per worker process (no Redis write per provider call on the hot path); the
 * pause is shared: it is BullMQ's queue rate limiter key in Redis, so every worker of every process
 * stops fetching at once, and the key's TTL ends the pause by itself even if this process dies.
 * A held job goes back to the queue with `Worker.RateLimitError`, which spends no attempt and no
 * validation budget. The pause is also recorded (`pauses`) for GET /v1/batches/:id and /metrics.
 */
export class ValidateBreaker {
  private state: BreakerState = closedBreaker();

  constructor(
    private readonly queues: Queue[],
    private readonly pauses: ValidationPauseStore,
    private readonly options: BreakerOptions,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Call before the provider; throws the rate-limit error (job back to the queue) while open. */
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
    if (tripped) {
      const reason = outcome.kind === 'retryable' ? outcome.message : 'provider unavailable';
      const resumesAt = new Date(this.now() + this.options.cooldownMs);
      this.logger.warn({ cooldownMs: this.options.cooldownMs, reason, resumesAt }, 'provider unavailable: validation paused for every tenant');
      await this.pauses.open(`SmartRecruiters is unavailable (${reason})`, resumesAt);
    } else if (before !== 'closed' && state.kind === 'closed') {
      this.logger.warn('provider answers again: validation resumed');
      // Workers that have not run into the pause yet need not wait for its TTL.
      await Promise.all([this.pauses.close(), ...this.queues.map((q) => q.removeRateLimitKey())]);
    }
    if (!counts) await this.hold(state.kind === 'open' ? state.until - this.now() : this.options.cooldownMs);
  }

  private async hold(ms: number): Promise<never> {
    await Promise.all(this.queues.map((q) => q.rateLimit(Math.max(1, Math.round(ms)))));
    throw Worker.RateLimitError();
  }
}
