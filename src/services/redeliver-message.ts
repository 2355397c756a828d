import type { Runtime } from '../runtime/runtime.js';
import type { REDELIVER_SKIP_REASONS } from '../domain/schemas/webhook.js';

export type RedeliverOutcome = 'queued' | 'missing' | (typeof REDELIVER_SKIP_REASONS)[number];

/**
 * Sends a finished message again with a fresh retry schedule. A message cannot move to another
 * endpoint, so one whose endpoint is disabled or deleted is left exactly as it is: redelivering it
 * could only fail again and turn a confirmed request unconfirmed.
 */
export async function redeliverMessage(rt: Pick<Runtime, 'messages' | 'endpoints' | 'producers'>, platformId: string, messageId: string): Promise<RedeliverOutcome> {
  const message = await rt.messages.getForDelivery(platformId, messageId);
  if (!message) return 'missing';
  if (message.status === 'pending') return 'in_progress';
  const endpoint = await rt.endpoints.get(platformId, message.endpointId);
  if (!endpoint) return 'endpoint_deleted';
  if (endpoint.status === 'disabled') return 'endpoint_disabled';
  const reopened = await rt.messages.reopen(platformId, messageId);
  if (reopened === 'missing' || reopened === 'in_progress') return reopened;
  await rt.producers.enqueueDeliveryAttempt(platformId, messageId, reopened.attempt, Date.now());
  return 'queued';
}
