import type { Producers } from '../queues/producers.js';

/** Jobs per queue and state, all shards of a queue together, for `linker_queue_jobs`. */
export async function queueDepths(producers: Producers): Promise<Record<string, Record<string, number>>> {
  const queues = { validate: producers.validate, deliver: producers.deliver, revalidate: producers.revalidate };
  const out: Record<string, Record<string, number>> = {};
  for (const [name, queue] of Object.entries(queues)) {
    out[name] = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
  }
  return out;
}
