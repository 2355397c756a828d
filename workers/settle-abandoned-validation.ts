import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { readWorkJob } from '../src/queues/work-job.js';
import { finishRequest, type FinishDeps } from '../src/services/finish-request.js';
import type { ValidateRequestDeps } from './validate-request.js';

/**
 * A validate job BullMQ gave up on (it threw on every run, or stalled more often than allowed:
 * Redis or the process failed, never a provider answer) must not leave its requests hanging.
 * A batch job hands each of its requests to a `one` job of its own, so an overloaded moment costs
 * nothing and a request that keeps breaking its job is left to fail alone; that `one` job's
 * request, when it still owned it (see work-job.ts), fails `provider_unavailable`.
 */
export async function settleAbandonedValidation(deps: FinishDeps & Pick<ValidateRequestDeps, 'handOff'>, job: Job, error: Error, logger: Logger): Promise<void> {
  const work = readWorkJob(job.data);
  if (work.kind === 'batch') {
    // A request the batch no longer owned finds its attempt-1 job stale and drops it.
    await Promise.all(work.ids.map((id) => deps.handOff(work.platformId, id, 1, 0)));
    return;
  }
  const log = logger.child({ platformId: work.platformId, requestId: work.id, jobId: job.id });
  const failure = { code: 'provider_unavailable' as const, message: `validation could not complete: ${error.message}` };
  await finishRequest(deps, work.platformId, work.id, { to: 'failed', error: failure, below: work.attempt }, log);
}
