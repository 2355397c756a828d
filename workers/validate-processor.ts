import type { Job } from 'bullmq';
import { attemptsOf, readWorkJob } from '../src/queues/work-job.js';
import { createRequestValidator, type ValidateRequestDeps } from './validate-request.js';
import type { DrainMeter } from '../src/store/drain-meter.js';

export interface ValidateProcessorDeps extends ValidateRequestDeps {
  /** Counts the requests each job finished, for batch ETAs. */
  drain?: DrainMeter;
}

/**
 * Runs a validate job (src/queues/work-job.ts): claims its requests in one round trip, then checks
 * them one after another, so the worker's concurrency (LINKER_CONCURRENCY) is exactly the number of
 * provider calls in flight and a job taken from the wait list (a single link, a retry) starts at
 * once. A request another job already took further is left to that job.
 */
export function createValidateProcessor(deps: ValidateProcessorDeps) {
  const validateRequest = createRequestValidator(deps);

  return async function validate(job: Job): Promise<Record<string, string>> {
    const work = readWorkJob(job.data);
    const items = attemptsOf(work);
    const attempt = items[0]!.attempt;
    const claims = await deps.requests.claimForValidation(work.platformId, items.map((i) => i.id), attempt);
    const results: Record<string, string> = {};
    // In a random order: jobs started together would otherwise reach the provider with the same
    // position of each at once, and a mix of keys that repeats along the ids would arrive as bursts.
    for (const i of shuffledIndexes(items.length)) {
      const { id } = items[i]!;
      const log = deps.logger.child({ platformId: work.platformId, requestId: id, jobId: job.id, attempt });
      results[id] = await validateRequest(work.platformId, attempt, claims[i]!, log);
    }
    await deps.drain?.record(Object.values(results).filter((r) => r === 'linked' || r === 'failed').length);
    return results;
  };
}

/** 0..n-1 in a random order (Fisher–Yates). */
function shuffledIndexes(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
