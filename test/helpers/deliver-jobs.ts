import type { Job } from 'bullmq';
import type { Harness } from './harness.js';
import type { WorkJob } from '../../src/queues/work-job.js';

/** The batch job that carries a message's first attempt (it may share the job with messages published alongside it). */
export async function batchJobOf(h: Harness, messageId: string): Promise<Job<WorkJob> | undefined> {
  for (const queue of h.rt.producers.deliver.shards) {
    const jobs = await queue.getJobs(['waiting', 'paused', 'active', 'completed', 'delayed', 'failed']);
    const found = jobs.find((job) => job.data.kind === 'batch' && job.data.ids.includes(messageId));
    // Read it again by id: the listing leaves out fields such as the return value.
    if (found?.id) return queue.getJob(found.id);
  }
  return undefined;
}
