import type { Runtime } from '../runtime/runtime.js';
import type { Account } from '../domain/schemas/account.js';

export type RevalidateOutcome = { result: 'queued' | 'not_active'; account: Account } | { result: 'missing' };

/** Queues a fresh check of an active account's stored key; an account that is not active has no working key to check. */
export async function revalidateAccount(rt: Pick<Runtime, 'accounts' | 'producers'>, platformId: string, accountId: string): Promise<RevalidateOutcome> {
  const account = await rt.accounts.get(platformId, accountId);
  if (!account) return { result: 'missing' };
  if (account.status !== 'active') return { result: 'not_active', account };
  await rt.producers.enqueueRevalidation({ platformId, accountId: account.id, reason: 'manual' });
  return { result: 'queued', account };
}
