/**
 * How fast re-validation may call the provider. BullMQ's queue limiter counts jobs in fixed
 * windows: a window opens with its first job, lasts `duration` ms and admits `max` jobs. Two
 * windows back to back can therefore put 2·max jobs close together, so a limiter of
 * {max: R, duration: 1000} can show nearly 2R requests in one sliding second. This picks a
 * limiter that holds in every sliding second, with `slackMs` of room for the time between a
 * job starting and its request reaching the provider.
 */
export interface QueueLimiter {
  max: number;
  duration: number;
}

/** Default allowance for jitter between job start and request arrival. */
export const DEFAULT_PACING_SLACK_MS = 100;

/**
 * Small windows keep the flow smooth (a few requests every ~100 ms rather than one burst per
 * second); about twelve windows fit in 1.1 s, hence `max = R / 12`.
 */
const WINDOWS_PER_SECOND = 12;

/**
 * A limiter under which no sliding 1 s interval sees more than `ratePerSecond` job starts, even
 * when starts drift by up to `slackMs`. Windows open at least `duration` apart, so an interval of
 * `L = 1000 + slackMs` touches at most `floor(L / duration) + 1` windows; `duration` is the
 * smallest whole number of ms that keeps that count times `max` within the rate.
 */
export function revalidationLimiter(ratePerSecond: number, slackMs = DEFAULT_PACING_SLACK_MS): QueueLimiter {
  if (!Number.isInteger(ratePerSecond) || ratePerSecond < 1) throw new RangeError(`ratePerSecond must be a whole number ≥ 1 (got ${ratePerSecond})`);
  const span = 1000 + slackMs;
  const max = Math.max(1, Math.floor(ratePerSecond / WINDOWS_PER_SECOND));
  const windows = Math.floor(ratePerSecond / max);
  return { max, duration: Math.floor(span / windows) + 1 };
}

/** Gap between scheduled checks so a sweep runs at the limiter's own pace instead of queueing behind it. */
export function spacingMs(limiter: QueueLimiter): number {
  return limiter.duration / limiter.max;
}
