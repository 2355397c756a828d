import type { RedisClient } from './redis-client.js';
import { key, platformBase } from './keys.js';
import { lexPage, type Page } from './lex-page.js';
import { readRecords } from './read-records.js';
import { scripts, type ScriptRunner } from './scripts.js';
import { ACCOUNT_STATUSES, type Account, type AccountListQuery, type AccountStatus, type InvalidationCode } from '../domain/schemas/account.js';
import { PROVIDERS, type Provider } from '../domain/schemas/common.js';
import type { CredentialVault } from '../crypto/vault.js';
import { openSealedCredential } from './sealed-credential.js';
import { DEFAULT_RETENTION, type RetentionSettings } from './retention.js';

/** What a guarded status change did (see lua/account-status.lua). */
export type AccountChange = { result: 'applied' | 'rejected'; from: AccountStatus } | { result: 'missing' };

/**
 * The account as the API shows it. A link writes only what it changes, so the rest reads as the
 * link's (lua/transition.lua): no history list yet means the one entry of the link that created it,
 * and lastValidatedAt, updatedAt and lastReason that were not written since are the link's own.
 */
function toView(id: string, h: Record<string, string>, raw: string[]): Account {
  const linkReason = `linked by ${h.connectRequestId}`;
  const history = raw.length
    ? raw.map((entry) => JSON.parse(entry) as Account['history'][number])
    : [{ at: h.createdAt!, status: 'active' as const, reason: linkReason, connectRequestId: h.connectRequestId, operation: 'created' as const }];
  const errorCode = h.status === 'invalid' ? history.at(-1)?.errorCode : undefined;
  const lastReason = h.lastReason ?? linkReason;
  return {
    id,
    tenantId: h.tenantId!,
    provider: h.provider as Provider,
    status: (h.status ?? 'active') as AccountStatus,
    company: h.companyIdentifier ? { identifier: h.companyIdentifier, name: h.companyName ?? '' } : null,
    credential: h.fingerprint ? { fingerprint: h.fingerprint } : null,
    connectRequestId: h.connectRequestId ?? null,
    lastReason,
    error: errorCode ? { code: errorCode, message: lastReason } : null,
    linkedAt: h.linkedAt ?? null,
    lastValidatedAt: h.lastValidatedAt ?? h.linkedAt ?? null,
    createdAt: h.createdAt!,
    updatedAt: h.updatedAt ?? h.linkedAt ?? h.createdAt!,
    history,
  };
}

/**
 * Linked accounts. Links are written by the transition script; later status changes (checks,
 * unlink) by the account-status script.
 */
export class AccountStore {
  private readonly run: ScriptRunner;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly retention: RetentionSettings = DEFAULT_RETENTION,
  ) {
    this.run = scripts(redis);
  }

  base(platformId: string): string {
    return platformBase(this.prefix, platformId);
  }

  async get(platformId: string, id: string): Promise<Account | null> {
    const [account] = await this.getMany(platformId, [id]);
    return account ?? null;
  }

  async getMany(platformId: string, ids: string[]): Promise<(Account | null)[]> {
    const base = this.base(platformId);
    const records = await readRecords(this.redis, ids, (id) => key.account(base, id), { list: (id) => key.accountHistory(base, id) });
    return records.map(({ hash, list }, i) => (hash.status ? toView(ids[i]!, hash, list) : null));
  }

  async list(platformId: string, query: AccountListQuery): Promise<Page<Account>> {
    const base = this.base(platformId);
    const { tenantId, status } = query;
    if (tenantId) return this.listOfTenant(platformId, tenantId, query);
    // Every account is in exactly one status index: together they are the list of all.
    const index = (status ? [status] : ACCOUNT_STATUSES).map((s) => key.accountsByStatus(base, s));
    return lexPage(this.redis, {
      index,
      limit: query.limit ?? 50,
      cursor: query.cursor,
      load: (ids) => this.getMany(platformId, ids),
    });
  }

  /** A tenant has one account per provider: its tenant pointers are the whole list. */
  private async listOfTenant(platformId: string, tenantId: string, query: AccountListQuery): Promise<Page<Account>> {
    const base = this.base(platformId);
    const ids = (await this.redis.mget(PROVIDERS.map((provider) => key.accountByTenant(base, provider, tenantId))))
      .filter((id): id is string => id !== null && (!query.cursor || id < query.cursor))
      .sort()
      .reverse();
    const rows = (await this.getMany(platformId, ids)).filter((a): a is Account => a !== null && (!query.status || a.status === query.status));
    const data = rows.slice(0, query.limit ?? 50);
    return { data, nextCursor: rows.length > data.length ? data.at(-1)!.id : null };
  }

  /** Up to `count` active account ids after `after` (exclusive), oldest first: the sweep's paging. */
  async activeIds(platformId: string, count: number, after?: string): Promise<string[]> {
    return this.redis.zrange(key.accountsByStatus(this.base(platformId), 'active'), after ? `(${after}` : '-', '+', 'BYLEX', 'LIMIT', 0, count);
  }

  /** A check succeeded for the credential linked by `linkedBy`. */
  markValidated(platformId: string, id: string, linkedBy: string, now = new Date()): Promise<AccountChange> {
    return this.change(platformId, { id, op: 'validated', linkedBy, now: now.toISOString() });
  }

  /** A check got a definite 401/403 for the credential linked by `linkedBy`: active → invalid. */
  invalidate(platformId: string, id: string, linkedBy: string, error: { code: InvalidationCode; message: string }, now = new Date()): Promise<AccountChange> {
    return this.change(platformId, { id, op: 'invalidate', linkedBy, errorCode: error.code, reason: error.message, now: now.toISOString() });
  }

  /** Unlink: destroys the credential, keeps the account and its history as `revoked` for the retention period. */
  revoke(platformId: string, id: string, reason: string, now = new Date()): Promise<AccountChange> {
    return this.change(platformId, { id, op: 'revoke', reason, now: now.toISOString(), expireAt: now.getTime() + this.retention.keepMs });
  }

  private async change(platformId: string, args: Record<string, string | number>): Promise<AccountChange> {
    const raw = await this.run.accountStatus(this.base(platformId), { ...args, historyLimit: this.retention.historyLimit });
    return JSON.parse(raw) as AccountChange;
  }

  /** The account's API key in clear, re-encrypted in place if it was sealed with an older vault key; null once unlinked. */
  async credential(platformId: string, id: string, vault: CredentialVault, aad: string): Promise<string | null> {
    return openSealedCredential(this.redis, this.run, key.accountCredential(this.base(platformId), id), vault, aad);
  }
}
