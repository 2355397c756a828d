import type { RedisClient } from './redis-client.js';
import { key, ShardBases } from './keys.js';
import { lexPage, type Page } from './lex-page.js';
import { DATA_SHARDS } from '../domain/shards.js';
import { readRecords } from './read-records.js';
import { scripts, type ScriptRunner } from './scripts.js';
import type { Account, AccountListQuery, AccountStatus, InvalidationCode } from '../domain/schemas/account.js';
import { PROVIDERS, type Provider } from '../domain/schemas/common.js';
import type { CredentialVault } from '../crypto/vault.js';
import { openSealedCredential } from './sealed-credential.js';
import { DEFAULT_RETENTION, type RetentionSettings } from './retention.js';

/** Where a walk over a platform's active accounts goes on: a data shard, past an id in it. */
export interface ActiveCursor {
  shard: number;
  after?: string;
}

/** What a guarded status change did (see lua/account-status.lua). */
export type AccountChange = { result: 'applied' | 'rejected'; from: AccountStatus } | { result: 'missing' };

/**
 * The account as the API shows it. A link writes only what it changes, so the rest reads as the
 * link's (lua/finish-request.lua): no history list yet means the one entry of the link that created it,
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
  readonly bases: ShardBases;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly retention: RetentionSettings = DEFAULT_RETENTION,
  ) {
    this.run = scripts(redis);
    this.bases = new ShardBases(prefix);
  }

  async get(platformId: string, id: string): Promise<Account | null> {
    const [account] = await this.getMany(platformId, [id]);
    return account ?? null;
  }

  async getMany(platformId: string, ids: string[]): Promise<(Account | null)[]> {
    const base = (id: string) => this.bases.ofId(platformId, id);
    const records = await readRecords(this.redis, ids, (id) => key.account(base(id), id), (id) => key.accountHistory(base(id), id));
    return records.map(({ hash, list }, i) => (hash.status ? toView(ids[i]!, hash, list) : null));
  }

  async list(platformId: string, query: AccountListQuery): Promise<Page<Account>> {
    const { tenantId, status } = query;
    if (tenantId) return this.listOfTenant(platformId, tenantId, query);
    // The indexes are merged over every shard.
    const indexes = this.bases.all(platformId).map((base) => (status ? key.accountsByStatus(base, status) : key.accountIndex(base)));
    return lexPage(this.redis, { indexes, limit: query.limit ?? 50, cursor: query.cursor, load: (ids) => this.getMany(platformId, ids) });
  }

  /** A tenant has one account per provider, in its shard: its account pointers are the whole list. */
  private async listOfTenant(platformId: string, tenantId: string, query: AccountListQuery): Promise<Page<Account>> {
    const base = this.bases.ofTenant(platformId, tenantId);
    const ids = (await this.redis.mget(PROVIDERS.map((provider) => key.accountByTenant(base, provider, tenantId))))
      .filter((id): id is string => id !== null && (!query.cursor || id < query.cursor))
      .sort()
      .reverse();
    const rows = (await this.getMany(platformId, ids)).filter((a): a is Account => a !== null && (!query.status || a.status === query.status));
    const data = rows.slice(0, query.limit ?? 50);
    return { data, nextCursor: rows.length > data.length ? data.at(-1)!.id : null };
  }

  /**
   * Up to `count` active account ids from `from` on, and where the next page starts (null: done):
   * the sweep's paging. It walks the shards one after another, oldest first within each; the sweep
   * needs every id once, not one global order, so no page reads more than `count + 1` ids.
   */
  async activeIds(platformId: string, count: number, from: ActiveCursor = { shard: 0 }): Promise<{ ids: string[]; next: ActiveCursor | null }> {
    const ids: string[] = [];
    let { shard, after } = from;
    while (shard < DATA_SHARDS) {
      const index = key.accountsByStatus(this.bases.ofShard(platformId, shard), 'active');
      const page = await this.redis.zrange(index, after ? `(${after}` : '-', '+', 'BYLEX', 'LIMIT', 0, count - ids.length);
      ids.push(...page);
      if (ids.length === count) return { ids, next: { shard, after: ids.at(-1) } };
      shard += 1;
      after = undefined;
    }
    return { ids, next: null };
  }

  /** A check succeeded for the credential linked by `linkedBy`. */
  markValidated(platformId: string, id: string, linkedBy: string, now = new Date()): Promise<AccountChange> {
    return this.change(platformId, { id, op: 'validated', to: 'active', linkedBy, now: now.toISOString() });
  }

  /** A check got a definite 401/403 for the credential linked by `linkedBy`: active → invalid. */
  invalidate(platformId: string, id: string, linkedBy: string, error: { code: InvalidationCode; message: string }, now = new Date()): Promise<AccountChange> {
    return this.change(platformId, { id, op: 'invalidate', to: 'invalid', linkedBy, errorCode: error.code, reason: error.message, now: now.toISOString() });
  }

  /** Unlink: destroys the credential, keeps the account and its history as `revoked` for the retention period. */
  revoke(platformId: string, id: string, reason: string, now = new Date()): Promise<AccountChange> {
    return this.change(platformId, { id, op: 'revoke', to: 'revoked', reason, now: now.toISOString(), expireAt: now.getTime() + this.retention.keepMs });
  }

  /** `to`: the status the change moves to (a successful check stays active). */
  private async change(platformId: string, args: Record<string, string | number> & { id: string; to: AccountStatus }): Promise<AccountChange> {
    const { id, to } = args;
    const base = this.bases.ofId(platformId, id);
    return this.run.accountStatus(
      {
        base,
        account: key.account(base, id),
        credential: key.accountCredential(base, id),
        history: key.accountHistory(base, id),
        target: key.accountsByStatus(base, to),
        expiry: key.expiry(base),
      },
      { ...args, historyLimit: this.retention.historyLimit },
    );
  }

  /** The account's API key in clear, re-encrypted in place if it was sealed with an older vault key; null once unlinked. */
  async credential(platformId: string, id: string, vault: CredentialVault, aad: string): Promise<string | null> {
    return openSealedCredential(this.redis, this.run, key.accountCredential(this.bases.ofId(platformId, id), id), vault, aad);
  }
}
