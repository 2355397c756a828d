import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { attemptsOf, readWorkJob } from '../src/queues/work-job.js';
import { finishRequest, type FinishDeps } from './finish-request.js';

/**
 * A validate job BullMQ gave up on (it threw or stalled every run: Redis or the process failed,
 * never a provider answer) must not leave its requests hanging: each one the job still owned
 * (fewer attempts recorded than the one it was to make, see work-job.ts) fails
 * `provider_unavailable`. A request another job has taken further is that job's.
 */
export async function settleAbandonedValidation(deps: FinishDeps, job: Job, error: Error, logger: Logger): Promise<void> {
  const work = readWorkJob(job.data);
  await Promise.all(
    attemptsOf(work).map(async ({ id, attempt }) => {
      const log = logger.child({ platformId: work.platformId, requestId: id, jobId: job.id });
      const failure = { code: 'provider_unavailable' as const, message: `validation could not complete: ${error.message}` };
      await finishRequest(deps, work.platformId, id, { to: 'failed', error: failure, below: attempt }, log);
    }),
  );
}
