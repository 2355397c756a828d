import type { EventPublisher } from './event-publisher.js';
import { accountEvent } from './event-builder.js';
import type { Account } from '../domain/schemas/account.js';

/**
 * Publishes an account lifecycle event built from the stored account alone, with the time of the
 * state change in its dedupe key: a repeat (a job re-run after a crash, a retried DELETE) lands on
 * the first event instead of sending a second one, while a later change sends a new one.
 */
export function publishAccountEvent(
  publisher: EventPublisher,
  platformId: string,
  type: 'account.invalidated' | 'account.unlinked',
  account: Account,
): Promise<string[]> {
  return publisher.publish(platformId, accountEvent(type, account, account.updatedAt), `${type}:${account.id}:${account.updatedAt}`);
}
