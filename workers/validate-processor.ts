import { DelayedError, RateLimitError, Worker, type Job } from 'bullmq';
import type { LimitFunction } from 'p-limit';
import { VALIDATE_JOB, type FirstValidationsJobData, type ValidateJobData } from '../src/queues/job-payloads.js';
import { fullJitterDelay, type BackoffOptions } from '../src/domain/backoff.js';
import { RetryLaterError } from './retry-errors.js';
import { createRequestValidator, type ValidateRequestDeps } from './validate-request.js';
import type { Claim } from '../src/store/connect-request-store.js';

export interface ValidateProcessorDeps extends ValidateRequestDeps {
  /** Provider checks in flight in this process, across all jobs (LINKER_CONCURRENCY). */
  slots: LimitFunction;
  /** Backoff between counted attempts (the one BullMQ applies to a request's own job). */
  retryBackoff: BackoffOptions;
  /** Queues a request's own job for its retries after a shared first attempt (Producers.enqueueValidation). */
  ownJob: (data: ValidateJobData, delayMs: number) => Promise<void>;
}

/**
 * Validates connect requests. A first-attempts job checks each of its requests once, concurrently
 * within the process's slots; a request that needs a retry gets its own validate job, which takes it
 * through the rest of its attempts with BullMQ's backoff (or waits out a 429 without spending one).
 */
export function createValidateProcessor(deps: ValidateProcessorDeps) {
  const validateRequest = createRequestValidator(deps);
  const { slots, logger } = deps;

  async function own(job: Job<ValidateJobData>, token?: string): Promise<string> {
    const { platformId, requestId } = job.data;
    const log = logger.child({ platformId, requestId, jobAttempt: job.attemptsMade + 1 });
    const step = await slots(() => validateRequest(platformId, requestId, log));
    if (step.kind === 'done') return step.result;
    if (step.waitMs === undefined) throw new RetryLaterError(step.reason);
    // Moving the job to delayed and throwing DelayedError leaves attemptsMade untouched.
    await job.moveToDelayed(Date.now() + step.waitMs, token);
    throw new DelayedError();
  }

  async function firstAttempts(job: Job<FirstValidationsJobData>): Promise<Record<string, string>> {
    const { platformId, requestIds } = job.data;
    // The breaker paused the queue: requests not started yet stay for the job's next run.
    let held = false;
    // All of the job's requests are claimed in one round trip when the first of them gets a slot;
    // the others are next in line for the slots (they were queued together).
    let claims: Promise<Claim[]> | undefined;
    const claimAll = () => (claims ??= deps.requests.claimForValidation(platformId, requestIds, { firstAttempt: true }));
    const runs = await Promise.allSettled(
      requestIds.map((requestId, i) =>
        slots(async () => {
          if (held) return 'held';
          const log = logger.child({ platformId, requestId, jobId: job.id });
          try {
            const step = await validateRequest(platformId, requestId, log, {
              firstAttempt: {
                claim: async () => (await claimAll())[i]!,
                handOff: (retry) =>
                  deps.ownJob({ platformId, requestId, attemptsBefore: retry.attemptsBefore }, retry.waitMs ?? fullJitterDelay(retry.attemptsBefore, deps.retryBackoff)),
              },
            });
            return step.kind === 'done' ? step.result : 'retrying';
          } catch (err) {
            if (!(err instanceof RateLimitError)) throw err;
            held = true;
            return 'held';
          }
        }),
      ),
    );
    // Only Redis or the process fail a request's run; BullMQ runs the job again and the requests
    // that finished or moved on to their own job are skipped then.
    const failed = runs.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    if (held) throw Worker.RateLimitError();
    return Object.fromEntries(requestIds.map((id, i) => [id, (runs[i] as PromiseFulfilledResult<string>).value]));
  }

  return async function validate(job: Job<ValidateJobData | FirstValidationsJobData>, token?: string): Promise<string | Record<string, string>> {
    return job.name === VALIDATE_JOB.firstAttempts ? firstAttempts(job as Job<FirstValidationsJobData>) : own(job as Job<ValidateJobData>, token);
  };
}
