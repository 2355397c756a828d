import type { AccountStore, ActiveCursor } from '../store/account-store.js';
import type { PlatformStore } from '../store/platform-store.js';
import type { Producers } from './producers.js';

export interface SweepDeps {
  accounts: AccountStore;
  platforms: PlatformStore;
  producers: Producers;
  /** Gap between two queued checks (see src/domain/revalidation-pacing.ts). */
  spacingMs: number;
  /** Account ids read and queued per round trip. Default 500. */
  pageSize?: number;
}

/**
 * Queues a check of every active account of every platform, `spacingMs` apart, so the checks reach
 * the provider as an even trickle rather than one burst. Platforms take turns page by page, so one
 * platform with 100,000 accounts does not push a small one to the end of the run. Returns how many
 * checks were offered (accounts whose previous check is still queued keep that one).
 */
export async function sweepActiveAccounts(deps: SweepDeps): Promise<number> {
  const pageSize = deps.pageSize ?? 500;
  const cursors = new Map<string, ActiveCursor | undefined>((await deps.platforms.ids()).map((id) => [id, undefined]));
  let offered = 0;
  while (cursors.size > 0) {
    for (const [platformId, after] of cursors) {
      const { ids, next } = await deps.accounts.activeIds(platformId, pageSize, after);
      if (next) cursors.set(platformId, next);
      else cursors.delete(platformId);
      const jobs = ids.map((accountId) => ({ platformId, accountId, reason: 'scheduled' as const }));
      await deps.producers.enqueueScheduledRevalidations(jobs, offered * deps.spacingMs, deps.spacingMs);
      offered += ids.length;
    }
  }
  return offered;
}
