import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { AccountStore } from '../src/store/account-store.js';
import { VaultError, type CredentialVault } from '../src/crypto/vault.js';
import type { ProviderClient } from '../src/providers/provider.js';
import type { EventPublisher } from '../src/webhooks/event-publisher.js';
import { REVALIDATE_JOB, type RevalidateJobData, type RevalidateSweepJobData } from '../src/queues/job-payloads.js';
import type { Provider } from '../src/domain/schemas/common.js';
import { INVALIDATION_CODES, type InvalidationCode } from '../src/domain/schemas/account.js';
import { next, type ValidationSettings } from '../src/domain/validation-policy.js';
import { credentialAad } from '../src/crypto/credential-aad.js';
import { publishAccountEvent } from '../src/webhooks/publish-account-event.js';
import { RetryLaterError } from './retry-errors.js';

export interface RevalidateProcessorDeps {
  accounts: AccountStore;
  vault: CredentialVault;
  providers: Map<Provider, ProviderClient>;
  publisher: EventPublisher;
  logger: Logger;
  /**
   * Backoffs and budget (src/domain/validation-policy.ts); a check's budget runs from when it was
   * due, and its attempts are its job's (`maxAttempts` is unused: the job's own attempts count).
   */
  policy: Omit<ValidationSettings, 'maxAttempts'>;
  /** The sweep run by the scheduler's job; returns how many checks it offered. */
  sweep: () => Promise<number>;
  /** The scheduler's interval, to warn when a sweep takes longer than that to drain. */
  intervalMs: number;
  /** Gap between scheduled checks, for the same warning. */
  spacingMs: number;
}

type RevalidateJob = Job<RevalidateJobData | RevalidateSweepJobData>;

const isInvalidation = (code: string): code is InvalidationCode => (INVALIDATION_CODES as readonly string[]).includes(code);

/**
 * Re-checks one account's stored key. Only a definite 401/403 invalidates; 5xx, timeouts and
 * network errors retry with backoff and, when they run out, leave the account active. Every write
 * is a guarded script, so a job that runs twice changes nothing the second time.
 */
export function createRevalidateProcessor(deps: RevalidateProcessorDeps) {
  const { accounts, vault, providers, publisher, logger } = deps;

  async function sweep(): Promise<string> {
    const offered = await deps.sweep();
    const drainMs = offered * deps.spacingMs;
    logger.info({ offered, drainMinutes: Math.round(drainMs / 60_000) }, 'scheduled re-validation queued');
    if (drainMs > deps.intervalMs) {
      logger.warn({ offered, drainMs, intervalMs: deps.intervalMs }, 'a re-validation sweep takes longer than LINKER_REVALIDATE_INTERVAL at LINKER_REVALIDATE_RATE; raise one of them so every account is checked each interval');
    }
    return `offered ${offered}`;
  }

  async function check(job: Job<RevalidateJobData>, token?: string): Promise<string> {
    const { platformId, accountId, reason } = job.data;
    const log = logger.child({ platformId, accountId, reason, jobAttempt: job.attemptsMade + 1 });
    const account = await accounts.get(platformId, accountId);
    if (!account) {
      log.warn('account no longer exists; dropping its check');
      return 'missing';
    }
    // A re-run after a crash between invalidating and publishing: make sure the event went out.
    if (account.status === 'invalid') await publishAccountEvent(publisher, platformId, 'account.invalidated', account);
    if (account.status !== 'active') return account.status;
    const linkedBy = account.connectRequestId ?? '';

    let apiKey: string | null;
    try {
      // Reading re-encrypts a key sealed with an older LINKER_ENCRYPTION_KEYS entry, so scheduled
      // checks move every active account onto the current key over one interval.
      apiKey = await accounts.credential(platformId, accountId, vault, credentialAad(platformId, account.provider, account.tenantId));
    } catch (err) {
      if (!(err instanceof VaultError)) throw err;
      log.error({ why: err.message }, 'cannot re-validate: the stored credential of this account does not decrypt. The account is left as it is; make sure LINKER_ENCRYPTION_KEYS still holds the key it was encrypted with, or have the tenant link again');
      throw new UnrecoverableError(`stored credential of account ${accountId} does not decrypt: ${err.message}`);
    }
    if (!apiKey) return account.status;
    const provider = providers.get(account.provider);
    if (!provider) throw new Error(`no client for provider ${account.provider}`);

    const started = performance.now();
    const outcome = await provider.check(apiKey);
    const durationMs = Math.round(performance.now() - started);
    switch (outcome.kind) {
      case 'success':
        await accounts.markValidated(platformId, accountId, linkedBy);
        return 'valid';
      case 'final': {
        if (!isInvalidation(outcome.code)) {
          log.warn({ httpStatus: outcome.httpStatus, why: outcome.message }, 'provider answer says nothing definite about the key; the account stays active');
          return 'inconclusive';
        }
        const change = await accounts.invalidate(platformId, accountId, linkedBy, { code: outcome.code, message: outcome.message });
        if (change.result !== 'applied') return 'superseded';
        log.info({ httpStatus: outcome.httpStatus, errorCode: outcome.code }, 'account invalidated');
        const invalid = await accounts.get(platformId, accountId);
        if (invalid?.status === 'invalid') await publishAccountEvent(publisher, platformId, 'account.invalidated', invalid);
        return 'invalid';
      }
      case 'retryable':
      case 'rate_limited': {
        const now = Date.now();
        const due = job.timestamp + (job.opts.delay ?? 0);
        const waits = job.data.rateLimitWaits ?? 0;
        const state = { counted: job.attemptsMade, rateLimitWaits: waits, spentMs: Math.max(0, now - due - durationMs) };
        const decision = next(state, { ...outcome, durationMs }, now, { ...deps.policy, maxAttempts: job.opts.attempts ?? 1 });
        if (decision.kind === 'finish') {
          const rateLimited = outcome.kind === 'rate_limited';
          log.warn(
            { httpStatus: outcome.httpStatus, why: decision.error?.message },
            rateLimited
              ? 'provider kept rate limiting the key until the deadline; the account stays active and is checked again next run'
              : 'provider unavailable through every attempt; the account stays active and is checked again next run',
          );
          return rateLimited ? 'rate_limited' : 'unavailable';
        }
        if (decision.kind === 'retry') throw new RetryLaterError(outcome.message, decision.delayMs);
        await job.updateData({ ...job.data, rateLimitWaits: waits + 1 });
        // Moving the job to delayed and throwing DelayedError leaves attemptsMade untouched.
        await job.moveToDelayed(decision.resumeAt, token);
        throw new DelayedError();
      }
    }
  }

  return async function revalidate(job: RevalidateJob, token?: string): Promise<string> {
    return job.name === REVALIDATE_JOB.sweep ? sweep() : check(job as Job<RevalidateJobData>, token);
  };
}
