/**
 * Thrown by a processor to ask BullMQ for another attempt; `retryAfterMs` (from a Retry-After
 * header) overrides the backoff strategy's own delay.
 */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
