import type { Job, Worker } from 'bullmq';
import type { Logger } from 'pino';

/**
 * The one settle path of the work-job protocol (src/queues/work-job.ts): runs `settle` for a job
 * BullMQ failed for good (its attempts spent, or stalled too often), not for one that only waits
 * for another attempt. `records` names what the job carries, for the error line.
 */
export function onAbandoned(worker: Worker, logger: Logger, records: string, settle: (job: Job, error: Error) => Promise<void>): void {
  worker.on('failed', (job: Job | undefined, error) => {
    if (!job) return;
    const run = async () => {
      if ((await job.getState()) === 'failed') await settle(job, error);
    };
    void run().catch((err: unknown) => logger.error({ err, jobId: job.id }, `could not settle the ${records} of an abandoned ${worker.name} job`));
  });
}
