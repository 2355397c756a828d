import type { Job } from 'bullmq';
import type { WebhookMessageStore } from '../src/store/webhook-message-store.js';
import { DELIVER_JOB, type DeliverJobData, type FirstAttemptsJobData } from '../src/queues/job-payloads.js';

/**
 * The processor settles every receiver answer itself; a deliver job BullMQ gives up on crashed
 * instead, and its messages must not stay pending (their requests pending) for ever. A
 * first-attempts job only answers for the messages nothing else has tried: the others have their
 * own job.
 */
export async function settleAbandonedDelivery(messages: WebhookMessageStore, job: Job<DeliverJobData | FirstAttemptsJobData>, error: Error): Promise<void> {
  const first = job.name === DELIVER_JOB.firstAttempts;
  const { platformId } = job.data;
  const ids = first ? (job.data as FirstAttemptsJobData).messageIds : [(job.data as DeliverJobData).messageId];
  await Promise.all(
    ids.map(async (messageId) => {
      const message = await messages.getForDelivery(platformId, messageId);
      if (message?.status !== 'pending' || (first && message.attemptCount > 0)) return;
      await messages.recordDelivery(platformId, messageId, {
        expectedCount: message.attemptCount,
        attempt: { n: message.attemptCount + 1, at: new Date().toISOString(), httpStatus: null, durationMs: 0, error: `delivery could not complete: ${error.message}`.slice(0, 300) },
        outcome: 'failed',
      });
    }),
  );
}
