import type { Job } from 'bullmq';
import type { WebhookMessageStore } from '../src/store/webhook-message-store.js';
import { attemptsOf, isLive, readWorkJob } from '../src/queues/work-job.js';

/**
 * A deliver job BullMQ gave up on (it threw or stalled every run: Redis or the process failed,
 * never a receiver answer) must not leave its messages pending, and their requests unconfirmed-to-be,
 * for ever: each message the job still owned (fewer attempts on record than the one it was to make,
 * see work-job.ts) fails with the reason logged. A message another job has taken further is that job's.
 */
export async function settleAbandonedDelivery(messages: WebhookMessageStore, job: Job, error: Error): Promise<void> {
  const work = readWorkJob(job.data);
  await Promise.all(
    attemptsOf(work).map(async ({ id, attempt }) => {
      const message = await messages.getForDelivery(work.platformId, id);
      if (message?.status !== 'pending' || !isLive(attempt, message.attemptCount)) return;
      await messages.recordDelivery(work.platformId, id, {
        expectedCount: message.attemptCount,
        attempt: { n: message.attemptCount + 1, at: new Date().toISOString(), httpStatus: null, durationMs: 0, error: `delivery could not complete: ${error.message}`.slice(0, 300) },
        outcome: 'failed',
      });
    }),
  );
}
