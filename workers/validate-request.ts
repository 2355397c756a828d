import type { Logger } from 'pino';
import type { Claim, ConnectRequestStore, StoredRequest, TransitionArgs } from '../src/store/connect-request-store.js';
import type { CredentialVault } from '../src/crypto/vault.js';
import type { ProviderClient, CheckOutcome } from '../src/providers/provider.js';
import type { EventPublisher } from '../src/webhooks/event-publisher.js';
import type { Provider } from '../src/domain/schemas/common.js';
import type { Attempt } from '../src/domain/schemas/connect-request.js';
import { isFinal } from '../src/domain/connect-request-state.js';
import { fullJitterDelay } from '../src/domain/backoff.js';
import { next, type ValidationSettings, type ValidationState } from '../src/domain/validation-policy.js';
import { nextAttempt } from '../src/queues/work-job.js';
import { credentialAad } from '../src/crypto/credential-aad.js';
import { newShardedId } from '../src/domain/ids.js';
import { shardOfId } from '../src/domain/shards.js';
import { finishRequest } from '../src/services/finish-request.js';
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
  /** Attempts, budget and backoffs (src/domain/validation-policy.ts). */
  policy: ValidationSettings;
  /** Queues attempt `attempt` of a request `delayMs` from now (Producers.enqueueAttempt). */
  handOff: (platformId: string, requestId: string, attempt: number, delayMs: number) => Promise<void>;
  /** Pauses validation for everyone during a provider-wide outage (see validate-breaker.ts). */
  breaker?: ValidateBreaker;
}

const attemptOutcome = (outcome: CheckOutcome): Attempt['outcome'] =>
  outcome.kind === 'success' ? 'success' : outcome.kind === 'final' ? outcome.code : outcome.kind;

function stateOf(request: StoredRequest, spentMs: number): ValidationState {
  const waits = request.attempts.filter((a) => a.outcome === 'rate_limited').length;
  return { counted: request.attempts.length - waits, rateLimitWaits: waits, spentMs };
}

/**
 * One provider check of one claimed request, for the job that makes attempt `attempt` of it
 * (src/queues/work-job.ts): asks the provider, lets the validation policy decide, records the
 * answer with a compare-and-set on the attempts the claim saw, and hands a retry or a 429 wait to
 * the next job. Recorded before the hand-off: if the process dies in between, BullMQ re-runs this
 * job, which finds the request `stale` but `retrying` and hands it off then.
 */
export function createRequestValidator(deps: ValidateRequestDeps) {
  const { requests, vault, providers, publisher, policy } = deps;

  return async function validateRequest(platformId: string, attempt: number, claim: Claim, log: Logger): Promise<string> {
    const { request, encryptedCredential: blob, tenantAccountId } = claim;
    if (!request) {
      log.warn('connect request no longer exists; dropping its job');
      return 'missing';
    }
    const requestId = request.id;
    if (isFinal(request.status)) {
      // A re-run after a crash: make sure the result event went out, nothing else.
      await publisher.publishResult(platformId, request);
      return request.status;
    }
    const recorded = request.attempts.length;
    if (claim.result === 'stale') {
      if (request.status === 'retrying') {
        const state = stateOf(request, claim.spentMs);
        await deps.handOff(platformId, request.id, nextAttempt(attempt, recorded), fullJitterDelay(state.counted, policy.retryBackoff, policy.random));
      }
      return 'stale';
    }
    if (claim.result !== 'applied') return claim.result;

    // Object.assign, not `{ ...x, newKey }`, here and below: see docs/performance.md#object-spreads.
    const finish = async (args: TransitionArgs & { to: 'linked' | 'failed' }) => {
      const at = new Date();
      await finishRequest(deps, platformId, requestId, Object.assign({}, args, { recorded }), log, { request: expectedFinalRequest(request, args, tenantAccountId, at), at });
      return args.to;
    };
    if (!blob) {
      return finish({ to: 'failed', error: { code: 'canceled', message: 'the stored credential is gone; submit the key again' } });
    }

    const apiKey = await requests.openCredential(platformId, requestId, blob, vault, credentialAad(platformId, request.provider, request.tenantId));
    const provider = providers.get(request.provider);
    if (!provider) throw new Error(`no client for provider ${request.provider}`);

    await deps.breaker?.admit();
    const startedAt = new Date();
    const started = performance.now();
    const outcome = await provider.check(apiKey);
    const durationMs = Math.round(performance.now() - started);
    deps.metrics?.providerCall(attemptOutcome(outcome), durationMs);
    await deps.breaker?.record(outcome, `${platformId}/${request.tenantId}`);

    const state = stateOf(request, claim.spentMs);
    const entry: Attempt = {
      n: state.counted + 1,
      at: startedAt.toISOString(),
      outcome: attemptOutcome(outcome),
      httpStatus: outcome.httpStatus,
      durationMs,
      error: outcome.kind === 'success' ? null : outcome.message,
    };
    const decision = next(state, Object.assign({}, outcome, { durationMs }), Date.now(), policy);

    if (decision.kind === 'finish') {
      if (decision.error) return finish({ to: 'failed', attempt: entry, error: decision.error });
      if (outcome.kind !== 'success') throw new Error(`validation policy finished a ${outcome.kind} answer without an error`);
      return finish({ to: 'linked', attempt: entry, link: { accountId: newShardedId('account', shardOfId(requestId)), company: outcome.company, fingerprint: apiKey.slice(-4) } });
    }
    const moved = await requests.transition(platformId, requestId, { to: 'retrying', attempt: entry, recorded, spentMs: decision.spentMs });
    if (moved.result === 'conflict') {
      log.info('another run recorded this attempt first; it carries the request on');
      return 'stale';
    }
    if (moved.result !== 'applied') return moved.result;
    log.info({ attempt: entry.n, httpStatus: outcome.httpStatus, waitMs: decision.delayMs, reason: entry.error }, decision.kind === 'wait' ? 'rate limited by the provider; waiting without spending an attempt' : 'provider unavailable; will retry');
    await deps.handOff(platformId, requestId, nextAttempt(attempt, recorded + 1), decision.delayMs);
    return 'retrying';
  };
}

export type RequestValidator = ReturnType<typeof createRequestValidator>;
