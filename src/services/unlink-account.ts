import type { Runtime } from '../runtime/runtime.js';
import type { Account } from '../domain/schemas/account.js';
import { publishAccountEvent } from '../webhooks/publish-account-event.js';

const UNLINK_REASON = 'unlinked by the platform (DELETE /v1/accounts/:id)';

/**
 * Destroys the stored key and marks the account revoked; its history stays readable. Repeating it
 * changes nothing. The account.unlinked event goes out on every call that finds the account revoked:
 * its dedupe key makes a repeat a no-op unless the first call died before publishing.
 */
export async function unlinkAccount(rt: Pick<Runtime, 'accounts' | 'publisher'>, platformId: string, accountId: string): Promise<Account | 'missing'> {
  const change = await rt.accounts.revoke(platformId, accountId, UNLINK_REASON);
  if (change.result === 'missing') return 'missing';
  const account = await rt.accounts.get(platformId, accountId);
  if (!account) return 'missing';
  if (account.status === 'revoked') await publishAccountEvent(rt.publisher, platformId, 'account.unlinked', account);
  return account;
}
