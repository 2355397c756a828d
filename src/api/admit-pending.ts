import type { Runtime } from '../runtime/runtime.js';
import { problems } from './errors.js';

/** Retry-After bounds for a refused bulk call: never "now", never more than an hour. */
const MIN_RETRY_S = 1;
const MAX_RETRY_S = 3600;
/** When nothing has drained lately there is no rate to go by. */
const UNKNOWN_RETRY_S = 60;

/**
 * Backpressure (LINKER_MAX_PENDING_PER_PLATFORM): a bulk call that would take the platform's
 * requests not yet final past the cap is refused whole with 429, before anything is stored.
 * Retry-After is when validation, at its measured rate, will have made room for the call.
 */
export async function admitPending(rt: Runtime, platformId: string, adding: number): Promise<void> {
  const max = rt.env.LINKER_MAX_PENDING_PER_PLATFORM;
  const pending = await rt.requests.pendingCount(platformId);
  if (pending + adding <= max) return;
  const rate = await rt.drain.perSecond();
  const seconds = rate > 0 ? Math.ceil((pending + adding - max) / rate) : UNKNOWN_RETRY_S;
  throw problems.tooManyPending(pending, max, Math.min(MAX_RETRY_S, Math.max(MIN_RETRY_S, seconds)));
}
