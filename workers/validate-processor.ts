import { RateLimitError, Worker, type Job } from 'bullmq';
import { attemptsOf, readWorkJob, type WorkJob } from '../src/queues/work-job.js';
import { createRequestValidator, type ValidateRequestDeps } from './validate-request.js';
import type { DrainMeter } from '../src/store/drain-meter.js';
import type { CallSlots } from './call-slots.js';
import { ClaimBudget } from './claim-budget.js';
import { lazyChild } from '../src/observability/lazy-child.js';

export interface ValidateProcessorDeps extends ValidateRequestDeps {
  /** The process's provider calls (LINKER_CONCURRENCY), interactive ones first. */
  slots: CallSlots;
  /** Counts the requests each job finished, for batch ETAs. */
  drain?: DrainMeter;
}

/**
 * Runs a validate job (src/queues/work-job.ts): claims its requests in one round trip, then checks
 * them concurrently within the process's call slots, a `one` job's check ahead of queued batch
 * checks. A request another job already took further is left to that job. When the breaker pauses
 * validation, checks not started yet stay for the job's next run.
 *
 * Batch jobs claim their requests only once the call slots can soon take them: batch jobs hold at
 * most twice as many claimed requests as there are slots (workers/claim-budget.ts); the worker's
 * other active batch jobs wait, unclaimed, holding only their ids. Without this gate a worker claimed
 * LINKER_CONCURRENCY jobs of 20 (1,000 requests for 50 slots), which then showed `validating` while
 * they waited, and their records and pending calls stayed in memory long enough for the garbage
 * collector to copy and promote them (docs/performance.md#garbage-collection).
 */
export function createValidateProcessor(deps: ValidateProcessorDeps) {
  const validateRequest = createRequestValidator(deps);
  const claimed = new ClaimBudget(2 * deps.slots.size);

  return async function validate(job: Job): Promise<Record<string, string>> {
    const work = readWorkJob(job.data);
    return work.kind === 'batch' ? claimed.run(work.ids.length, () => run(job, work)) : run(job, work);
  };

  async function run(job: Job, work: WorkJob): Promise<Record<string, string>> {
    const items = attemptsOf(work);
    const attempt = items[0]!.attempt;
    const claims = await deps.requests.claimForValidation(work.platformId, items.map((i) => i.id), attempt);
    let held = false;
    const runs = await Promise.allSettled(
      items.map(({ id }, i) =>
        deps.slots.run(work.kind === 'one', async () => {
          if (held) return 'held';
          const log = lazyChild(deps.logger, { platformId: work.platformId, requestId: id, jobId: job.id, attempt });
          try {
            return await validateRequest(work.platformId, attempt, claims[i]!, log);
          } catch (err) {
            if (!(err instanceof RateLimitError)) throw err;
            held = true;
            return 'held';
          }
        }),
      ),
    );
    // Only Redis or the process fail a check; BullMQ runs the job again, and what finished or moved
    // on is skipped then.
    const failed = runs.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const results = Object.fromEntries(items.map(({ id }, i) => [id, (runs[i] as PromiseFulfilledResult<string>).value]));
    await deps.drain?.record(Object.values(results).filter((r) => r === 'linked' || r === 'failed').length);
    if (held) throw Worker.RateLimitError();
    return results;
  }
}
