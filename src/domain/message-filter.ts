import { encodeTime } from 'ulid';
import { ID_PREFIX } from './ids.js';
import type { EventType } from './events.js';
import type { WebhookMessage } from './schemas/webhook.js';

/** What GET /v1/webhook-messages and POST /v1/webhook-messages/redeliver select by; every field narrows. */
export interface MessageFilter {
  connectRequestId?: string;
  accountId?: string;
  type?: EventType;
  status?: WebhookMessage['status'];
  /** Created at or after (ms). */
  since?: number;
  /** Created at or before (ms). */
  until?: number;
}

/**
 * A message's id is minted close to, but not exactly at, the `createdAt` it is stored with (a
 * result's `createdAt` is its request's finishing time, taken before the id), never this far apart.
 */
const ID_CREATED_SKEW_MS = 60_000;

/**
 * Message ids are ULIDs, which start with the time they were minted: a time window narrows the id
 * index to a range (with room for the skew between id and `createdAt`); the predicate checks `createdAt` exactly.
 */
export function messageIdRange(filter: MessageFilter): { oldest?: string; below?: string } {
  const at = (ms: number) => ID_PREFIX.webhookMessage + encodeTime(Math.max(0, ms), 10).toLowerCase();
  return {
    ...(filter.since !== undefined ? { oldest: at(filter.since - ID_CREATED_SKEW_MS) } : {}),
    ...(filter.until !== undefined ? { below: at(filter.until + ID_CREATED_SKEW_MS + 1) } : {}),
  };
}

/** The filters an id index cannot answer, as a row test; undefined when there are none. */
export function messagePredicate(filter: MessageFilter): ((message: Pick<WebhookMessage, 'eventType' | 'status' | 'payload' | 'createdAt'>) => boolean) | undefined {
  const { accountId, type, status, since, until } = filter;
  if ([accountId, type, status, since, until].every((value) => value === undefined)) return undefined;
  return (message) =>
    (type === undefined || message.eventType === type) &&
    (status === undefined || message.status === status) &&
    (accountId === undefined || accountOf(message.payload) === accountId) &&
    (since === undefined || Date.parse(message.createdAt) >= since) &&
    (until === undefined || Date.parse(message.createdAt) <= until);
}

function accountOf(payload: Record<string, unknown>): unknown {
  const data = payload.data;
  return data && typeof data === 'object' ? (data as Record<string, unknown>).accountId : undefined;
}
