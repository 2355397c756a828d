import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { isFinal } from '../src/domain/connect-request-state.js';
import { VALIDATE_JOB, type FirstValidationsJobData, type ValidateJobData } from '../src/queues/job-payloads.js';
import { finishRequest, type FinishDeps } from './finish-request.js';

/**
 * A validate job BullMQ gave up on (repeated crashes, not provider answers) must not leave its
 * requests hanging: they fail `provider_unavailable`. A first-attempts job only answers for the
 * requests nothing else has tried: the others have their own job.
 */
export async function settleAbandonedValidation(deps: FinishDeps, job: Job<ValidateJobData | FirstValidationsJobData>, error: Error, logger: Logger): Promise<void> {
  const first = job.name === VALIDATE_JOB.firstAttempts;
  const { platformId } = job.data;
  const ids = first ? (job.data as FirstValidationsJobData).requestIds : [(job.data as ValidateJobData).requestId];
  await Promise.all(
    ids.map(async (requestId) => {
      if (first) {
        const request = await deps.requests.get(platformId, requestId);
        if (!request || isFinal(request.status) || request.attempts.length > 0) return;
      }
      const log = logger.child({ platformId, requestId });
      await finishRequest(deps, platformId, requestId, { to: 'failed', error: { code: 'provider_unavailable', message: `validation could not complete: ${error.message}` } }, log);
    }),
  );
}
