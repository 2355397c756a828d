import type { Logger } from 'pino';
import type { Claim, ConnectRequestStore, TransitionArgs } from '../src/store/connect-request-store.js';
import type { CredentialVault } from '../src/crypto/vault.js';
import type { ProviderClient, CheckOutcome } from '../src/providers/provider.js';
import type { EventPublisher } from '../src/webhooks/event-publisher.js';
import type { Provider } from '../src/domain/schemas/common.js';
import type { Attempt } from '../src/domain/schemas/connect-request.js';
import { isFinal } from '../src/domain/connect-request-state.js';
import { fullJitterDelay, type BackoffOptions } from '../src/domain/backoff.js';
import { credentialAad } from '../src/crypto/credential-aad.js';
import { newShardedId } from '../src/domain/ids.js';
import { shardOfId } from '../src/domain/shards.js';
import { finishRequest } from './finish-request.js';
import { expectedFinalRequest } from '../src/domain/expected-final-request.js';
import type { Metrics } from '../src/observability/metrics.js';
import type { ValidateBreaker } from './validate-breaker.js';

export interface ValidateRequestDeps {
  requests: ConnectRequestStore;
  vault: CredentialVault;
  providers: Map<Provider, ProviderClient>;
  publisher: EventPublisher;
  logger: Logger;
  metrics?: Metrics;
  /** Counted attempts (429s excluded) before `provider_unavailable`. */
  maxAttempts: number;
  /** From request creation; past it a request fails `provider_unavailable` even while rate limited. */
  deadlineMs: number;
  /** Backoff for 429s that carry no Retry-After. */
  rateLimitBackoff: BackoffOptions;
  /** Pauses validation for everyone during a provider-wide outage (see validate-breaker.ts). */
  breaker?: ValidateBreaker;
}

/**
 * What one run of a request's validation came to. `retry`: recorded as retrying; it runs again after
 * the retry backoff, or after `waitMs` when the provider rate limited it (no attempt spent).
 */
export type ValidationStep = { kind: 'done'; result: string } | RetryStep;
export type RetryStep = { kind: 'retry'; reason: string; attemptsBefore: number; waitMs?: number };

export interface ValidateRequestOptions {
  /**
   * A shared first attempt: the request comes claimed with the others of its job (`claim`); one
   * something already tried is left alone (its own job carries on), and `handOff` queues that job
   * once the retry is recorded. Recorded first, because the job may run at once and must find the
   * request `retrying`; a crash in between leaves a `retrying` request without its own job, which
   * the shared job's re-run queues (the stranded-request sweep being the backstop).
   */
  firstAttempt?: { claim: () => Promise<Claim>; handOff: (retry: RetryStep) => Promise<void> };
}

const attemptOutcome = (outcome: CheckOutcome): Attempt['outcome'] =>
  outcome.kind === 'success' ? 'success' : outcome.kind === 'final' ? outcome.code : outcome.kind;

/**
 * Validates one connect request's key: claims it, asks the provider, records the answer. Every
 * write is a guarded transition, so a run that repeats (BullMQ is at-least-once) changes nothing
 * the second time.
 */
export function createRequestValidator(deps: ValidateRequestDeps) {
  const { requests, vault, providers, publisher } = deps;

  return async function validateRequest(platformId: string, requestId: string, log: Logger, options: ValidateRequestOptions = {}): Promise<ValidationStep> {
    const done = (result: string): ValidationStep => ({ kind: 'done', result });
    await deps.breaker?.admit();
    const { result, request, encryptedCredential: blob, tenantAccountId } = options.firstAttempt
      ? await options.firstAttempt.claim()
      : (await requests.claimForValidation(platformId, [requestId]))[0]!;
    if (!request) {
      log.warn('connect request no longer exists; dropping its job');
      return done('missing');
    }
    if (isFinal(request.status)) {
      // A re-run after a crash: make sure the result event went out, nothing else.
      await publisher.publishResult(platformId, request);
      return done(request.status);
    }
    const counted = request.attempts.filter((a) => a.outcome !== 'rate_limited').length;
    if (options.firstAttempt && request.status === 'retrying') {
      // A re-run of a shared job whose worker died between recording a retry and queueing the
      // request's own job: queue it now (a no-op when it exists), rather than leave it to the
      // stranded-request sweep a minute or two later.
      await options.firstAttempt.handOff({ kind: 'retry', reason: 'carried on after a worker stopped', attemptsBefore: counted });
      return done('tried-before');
    }
    if (result !== 'applied') return done(result);
    if (options.firstAttempt && request.attempts.length > 0) return done('tried-before');

    const now = Date.now();
    const n = counted + 1;
    const deadline = Date.parse(request.createdAt) + deps.deadlineMs;

    const finish = async (args: TransitionArgs & { to: 'linked' | 'failed' }) => {
      const at = new Date();
      await finishRequest(deps, platformId, requestId, args, log, { request: expectedFinalRequest(request, args, tenantAccountId, at), at });
      return done(args.to);
    };
    const retry = async (attempt: Attempt, step: RetryStep) => {
      await requests.transition(platformId, requestId, { to: 'retrying', attempt });
      await options.firstAttempt?.handOff(step);
      return step;
    };

    if (now > deadline) {
      return finish({ to: 'failed', error: { code: 'provider_unavailable', message: 'the validation deadline passed before SmartRecruiters answered' } });
    }
    if (!blob) {
      return finish({ to: 'failed', error: { code: 'canceled', message: 'the stored credential is gone; submit the key again' } });
    }

    const apiKey = await requests.openCredential(platformId, requestId, blob, vault, credentialAad(platformId, request.provider, request.tenantId));
    const provider = providers.get(request.provider);
    if (!provider) throw new Error(`no client for provider ${request.provider}`);

    const started = performance.now();
    const outcome = await provider.check(apiKey);
    const durationMs = Math.round(performance.now() - started);
    deps.metrics?.providerCall(attemptOutcome(outcome), durationMs);
    await deps.breaker?.record(outcome, `${platformId}/${request.tenantId}`);
    const attempt: Attempt = {
      n,
      at: new Date(now).toISOString(),
      outcome: attemptOutcome(outcome),
      httpStatus: outcome.httpStatus,
      durationMs,
      error: outcome.kind === 'success' ? null : outcome.message,
    };

    switch (outcome.kind) {
      case 'success':
        return finish({
          to: 'linked',
          attempt,
          link: { accountId: newShardedId('account', shardOfId(requestId)), company: outcome.company, fingerprint: apiKey.slice(-4) },
        });
      case 'final':
        return finish({ to: 'failed', attempt, error: { code: outcome.code, message: outcome.message } });
      case 'retryable': {
        if (n >= deps.maxAttempts) {
          return finish({
            to: 'failed',
            attempt,
            error: { code: 'provider_unavailable', message: `${outcome.message}; gave up after ${n} attempts` },
          });
        }
        log.info({ attempt: n, httpStatus: outcome.httpStatus, reason: outcome.message }, 'provider unavailable; will retry');
        return retry(attempt, { kind: 'retry', reason: outcome.message, attemptsBefore: n });
      }
      case 'rate_limited': {
        const waits = request.attempts.filter((a) => a.outcome === 'rate_limited').length + 1;
        const wait = outcome.retryAfterMs ?? fullJitterDelay(waits, deps.rateLimitBackoff) + 250;
        if (Date.now() + wait > deadline) {
          return finish({
            to: 'failed',
            attempt,
            error: { code: 'provider_unavailable', message: 'SmartRecruiters kept rate limiting the key until the validation deadline' },
          });
        }
        log.info({ waitMs: wait }, 'rate limited by the provider; waiting without spending an attempt');
        return retry(attempt, { kind: 'retry', reason: outcome.message, attemptsBefore: counted, waitMs: wait });
      }
    }
  };
}

export type RequestValidator = ReturnType<typeof createRequestValidator>;
