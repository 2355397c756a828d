import type { Runtime } from '../runtime/runtime.js';
import type { Batch } from '../domain/schemas/batch.js';

/**
 * A batch with its progress (DESIGN §10): `position` (requests of other work ahead of what it still
 * has queued), `estimatedCompletionAt` from the measured validation rate, and `paused` while the
 * provider breaker holds validation (the ETA then starts when the pause ends).
 */
export async function batchWithProgress(rt: Runtime, platformId: string, id: string): Promise<Batch | null> {
  const [batch, pause] = await Promise.all([rt.batches.get(platformId, id), rt.validationPause.get()]);
  if (!batch) return null;
  const { queued, validating, retrying } = batch.counts;
  const remaining = queued + validating + retrying;
  if (remaining === 0) return { ...batch, position: 0, estimatedCompletionAt: batch.completedAt };
  const [ahead, rate] = await Promise.all([queued > 0 ? rt.producers.queuedAhead(id) : 0, rt.drain.perSecond()]);
  const position = Math.max(0, ahead - queued);
  const now = Date.now();
  const start = pause ? Math.max(now, Date.parse(pause.resumesAt)) : now;
  const estimatedCompletionAt = rate > 0 ? new Date(start + ((position + remaining) / rate) * 1000).toISOString() : null;
  return { ...batch, position, estimatedCompletionAt, ...(pause ? { paused: pause } : {}) };
}
