import type { RedisClient } from './redis-client.js';
import { key, ShardBases } from './keys.js';
import { scripts, type ScriptRunner } from './scripts.js';
import { lexPage, type Page } from './lex-page.js';
import { isFinal, sourcesOf, UNFINISHED_STATUSES, type RequestStatus } from '../domain/connect-request-state.js';
import type { Attempt, ConnectRequest, ConnectRequestListQuery } from '../domain/schemas/connect-request.js';
import type { LinkError } from '../domain/link-errors.js';
import type { Provider } from '../domain/schemas/common.js';
import type { CredentialVault } from '../crypto/vault.js';
import { openSealedBlob } from './sealed-credential.js';
import { readRecords } from './read-records.js';
import { messageKeys, type RecordEventScriptArgs } from './webhook-message-store.js';
import { ALL_SHARDS, positionsByShard, shardOfId } from '../domain/shards.js';
import { DEFAULT_RETENTION, type RetentionSettings } from './retention.js';

export interface NewRequest {
  id: string;
  tenantId: string;
  provider: Provider;
  metadata?: Record<string, unknown>;
  /** Vault ciphertext of the API key. */
  encryptedCredential: string;
}

/** Per item: accepted, or rejected because another request for the tenant is in flight. */
export type CreateResult = { accepted: true } | { accepted: false; inFlightId: string };

export interface TransitionArgs {
  to: RequestStatus;
  attempt?: Attempt;
  error?: LinkError;
  link?: { accountId: string; company: { identifier: string; name: string }; fingerprint: string };
  /** Compare-and-set (src/queues/work-job.ts): applies only while the request holds exactly this many attempts. */
  recorded?: number;
  /** Applies only while the request holds fewer attempts than this (the job's own attempt number). */
  below?: number;
  /** Validation budget spent once this step is counted (src/domain/validation-policy.ts). */
  spentMs?: number;
  /**
   * With a final status: the result event, built from the request as the transition is expected to
   * leave it (its account id and operation). Recorded in the same step when that came true.
   */
  event?: RecordEventScriptArgs & { accountId: string | null; operation: 'created' | 'updated' | null };
}

export type TransitionResult =
  | { result: 'applied'; from: RequestStatus; accountId?: string; operation?: 'created' | 'updated'; request?: StoredRequest; published?: string[] }
  | { result: 'rejected'; from: RequestStatus; request?: StoredRequest }
  /** `recorded` or `below` did not hold: another run recorded an attempt first. */
  | { result: 'conflict'; from: RequestStatus }
  | { result: 'missing' };

/**
 * A request claimed for validation (`applied`), or why not: `stale` when it already holds the attempt
 * the claiming job was to make; `request` is null only when it is `missing`.
 */
export interface Claim {
  result: 'applied' | 'rejected' | 'stale' | 'missing';
  request: StoredRequest | null;
  /** Validation budget spent so far. */
  spentMs: number;
  encryptedCredential: string | null;
  /** The tenant's account, if it was linked before. */
  tenantAccountId: string | null;
}

/** Internal view: the API view plus what workers need. */
export type StoredRequest = ConnectRequest;

const nullable = (value: string | undefined) => (value ? value : null);

function toView(id: string, h: Record<string, string>, attempts: Attempt[]): StoredRequest {
  return {
    id,
    tenantId: h.tenantId!,
    provider: h.provider as Provider,
    status: h.status as RequestStatus,
    confirmation: h.confirmation as ConnectRequest['confirmation'],
    error: h.errorCode ? ({ code: h.errorCode, message: h.errorMessage ?? '' } as ConnectRequest['error']) : null,
    accountId: nullable(h.accountId),
    batchId: nullable(h.batchId),
    operation: (nullable(h.operation) as ConnectRequest['operation']) ?? null,
    company: h.companyIdentifier ? { identifier: h.companyIdentifier, name: h.companyName ?? '' } : null,
    metadata: h.metadata ? (JSON.parse(h.metadata) as Record<string, unknown>) : null,
    attempts,
    createdAt: h.createdAt!,
    updatedAt: h.updatedAt!,
    // A final status is the last change a request's status makes: its updatedAt is its completion.
    completedAt: isFinal(h.status as RequestStatus) ? h.updatedAt! : null,
  };
}

/**
 * A request as create-requests.lua stores it, without reading it back: the 202 of a single link
 * answers from this (one round trip fewer), when the request was written by that very call.
 */
export function queuedRequestView(item: Pick<NewRequest, 'id' | 'tenantId' | 'provider' | 'metadata'>, now: Date): StoredRequest {
  const at = now.toISOString();
  return toView(item.id, {
    tenantId: item.tenantId,
    provider: item.provider,
    status: 'queued',
    confirmation: 'pending',
    metadata: item.metadata ? JSON.stringify(item.metadata) : '',
    createdAt: at,
    updatedAt: at,
  }, []);
}

function viewOrNull(id: string, hash: Record<string, string> | undefined, attempts: string[] | undefined): StoredRequest | null {
  if (!hash || !hash.status) return null;
  return toView(id, hash, (attempts ?? []).map((a) => JSON.parse(a) as Attempt));
}

/** move.lua's keys: the request, its attempts, the index of the status it moves to. */
function moveKeys(base: string, id: string, to: RequestStatus) {
  return { base, request: key.request(base, id), attempts: key.requestAttempts(base, id), target: key.requestsByStatus(base, to) };
}

/** finish-request.lua's keys: move.lua's, the credential, the expiry and account indexes, and the result event's. */
function finishKeys(base: string, id: string, args: TransitionArgs) {
  // Object.assign, not `{ ...x, newKey }`: see docs/performance.md#object-spreads.
  return Object.assign(moveKeys(base, id, args.to), {
    credential: key.pendingCredential(base, id),
    expiry: key.expiry(base),
    accounts: key.accountIndex(base),
    activeAccounts: key.accountsByStatus(base, 'active'),
    // The event a final transition records is always the request's result event.
    event: key.resultEvent(base, id),
    messages: key.messageIndex(base),
    each: messageKeys(base, args.event?.messages ?? []),
  });
}

/**
 * Connect requests of every platform: creation, state transitions, reads and lists. A request
 * lives in its tenant's data shard (its id names it); a batch keeps counters in every shard it has
 * requests in, plus its home shard (named by the batch id) so that it exists with no request.
 */
export class ConnectRequestStore {
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

  /**
   * Stores requests, one script call per data shard, all sent at once; one tenant already in
   * flight never sinks the others. Ids must name their tenant's shard (newShardedId / seededId with
   * shardOf), which is what keeps a tenant's requests, in-flight slot and account together.
   */
  async create(platformId: string, items: NewRequest[], batchId?: string, now = new Date()): Promise<CreateResult[]> {
    const results: CreateResult[] = new Array(items.length);
    const groups = positionsByShard(items.map((item) => item.id));
    if (batchId !== undefined && !groups.has(shardOfId(batchId))) groups.set(shardOfId(batchId), []);
    await Promise.all(
      [...groups].map(async ([shard, positions]) => {
        const base = this.bases.ofShard(platformId, shard);
        const keys = {
          requests: key.requestIndex(base),
          queued: key.requestsByStatus(base, 'queued'),
          batch: key.batch(base, batchId ?? ''),
          batchRequests: key.requestsByBatch(base, batchId ?? ''),
          expiry: key.expiry(base),
          each: positions.map((i) => {
            const { id, tenantId, provider } = items[i]!;
            return { request: key.request(base, id), credential: key.pendingCredential(base, id), inflight: key.inflight(base, provider, tenantId), tenantRequests: key.requestsByTenant(base, tenantId) };
          }),
        };
        const raw = await this.run.createRequests(keys, {
          batchId: batchId ?? '',
          now: now.toISOString(),
          expireAt: now.getTime() + this.retention.keepMs,
          items: positions.map((i) => {
            const item = items[i]!;
            return { id: item.id, tenantId: item.tenantId, provider: item.provider, metadata: item.metadata ? JSON.stringify(item.metadata) : '', cred: item.encryptedCredential };
          }),
        });
        raw.forEach((r, n) => {
          results[positions[n]!] = r === '' ? { accepted: true } : { accepted: false, inFlightId: r };
        });
      }),
    );
    return results;
  }

  async get(platformId: string, id: string, options: { attempts?: boolean } = {}): Promise<StoredRequest | null> {
    const [request] = await this.getMany(platformId, [id], options);
    return request ?? null;
  }

  async getMany(platformId: string, ids: string[], { attempts = true } = {}): Promise<(StoredRequest | null)[]> {
    const base = (id: string) => this.bases.ofId(platformId, id);
    const records = await readRecords(this.redis, ids, (id) => key.request(base(id), id), attempts ? (id) => key.requestAttempts(base(id), id) : undefined);
    return records.map(({ hash, list }, i) => viewOrNull(ids[i]!, hash, list));
  }

  /** Decrypts a pending credential read by getWithCredential, re-encrypting it in place if it was sealed with an older vault key. */
  openCredential(platformId: string, id: string, blob: string, vault: CredentialVault, aad: string): Promise<string> {
    return openSealedBlob(this.run, key.pendingCredential(this.bases.ofId(platformId, id), id), blob, vault, aad);
  }

  /**
   * The validate worker's first step: moves each request to `validating` when its state allows and
   * holds fewer than `below` attempts (the claiming job's attempt number), and returns it with its
   * attempts and its pending credential either way, one script call per shard.
   */
  async claimForValidation(platformId: string, ids: string[], below: number, now = new Date()): Promise<Claim[]> {
    const from = sourcesOf('validating');
    const claims: Claim[] = new Array(ids.length);
    await Promise.all(
      [...positionsByShard(ids)].map(async ([shard, positions]) => {
        const shardIds = positions.map((i) => ids[i]!);
        const base = this.bases.ofShard(platformId, shard);
        const keys = {
          base,
          target: key.requestsByStatus(base, 'validating'),
          each: shardIds.map((id) => ({ request: key.request(base, id), attempts: key.requestAttempts(base, id), credential: key.pendingCredential(base, id) })),
        };
        const replies = await this.run.claim(keys, { ids: shardIds, to: 'validating', from, now: now.toISOString(), below });
        replies.forEach((claim, n) => {
          claims[positions[n]!] = {
            result: claim.result,
            request: viewOrNull(shardIds[n]!, claim.request, claim.attempts),
            spentMs: Number(claim.request?.spentMs ?? 0),
            encryptedCredential: claim.credential ?? null,
            tenantAccountId: claim.tenantAccountId ?? null,
          };
        });
      }),
    );
    return claims;
  }

  async list(platformId: string, query: ConnectRequestListQuery): Promise<Page<StoredRequest>> {
    const { status, tenantId, batchId } = query;
    // Use the most selective index; the other filters are checked row by row. A tenant's requests
    // are all in its shard; the other indexes are merged over every shard.
    const indexes = batchId
      ? this.bases.all(platformId).map((base) => key.requestsByBatch(base, batchId))
      : tenantId
        ? [key.requestsByTenant(this.bases.ofTenant(platformId, tenantId), tenantId)]
        : status
          ? this.bases.all(platformId).map((base) => key.requestsByStatus(base, status))
          : this.bases.all(platformId).map((base) => key.requestIndex(base));
    const needsFilter = [status, tenantId, batchId].filter(Boolean).length > 1;
    return lexPage(this.redis, {
      indexes,
      limit: query.limit ?? 50,
      cursor: query.cursor,
      load: (ids) => this.getMany(platformId, ids, { attempts: true }),
      keep: needsFilter
        ? (r) => (!status || r.status === status) && (!tenantId || r.tenantId === tenantId) && (!batchId || r.batchId === batchId)
        : undefined,
    });
  }

  /** Requests of the platform not yet final (queued, validating, retrying), summed over the shards. */
  async pendingCount(platformId: string): Promise<number> {
    const counts = await Promise.all(
      ALL_SHARDS.flatMap((shard) => UNFINISHED_STATUSES.map((status) => this.redis.zcard(key.requestsByStatus(this.bases.ofShard(platformId, shard), status)))),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /**
   * Applies a state transition when the current state allows it; a repeat is a harmless no-op. A
   * final status is finish-request.lua's (account, credential, event), any other move.lua's.
   */
  async transition(platformId: string, id: string, args: TransitionArgs, now = new Date()): Promise<TransitionResult> {
    const base = this.bases.ofId(platformId, id);
    const argv = this.transitionArgs(id, args, now);
    const reply = await (isFinal(args.to) ? this.run.finishRequest(finishKeys(base, id, args), argv) : this.run.move(moveKeys(base, id, args.to), argv));
    if (reply.result === 'missing' || reply.result === 'conflict') return reply;
    if (reply.result === 'stale') return { result: 'conflict', from: reply.from };
    const { request, ...rest } = reply;
    return request ? Object.assign(rest, { request: toView(id, request, []) }) : rest;
  }

  private transitionArgs(id: string, args: TransitionArgs, now: Date) {
    return {
      id,
      to: args.to,
      from: sourcesOf(args.to),
      now: now.toISOString(),
      expireAt: now.getTime() + this.retention.keepMs,
      historyLimit: this.retention.historyLimit,
      attempt: args.attempt,
      error: args.error,
      link: args.link,
      event: args.event,
      recorded: args.recorded,
      below: args.below,
      spentMs: args.spentMs,
    };
  }
}
