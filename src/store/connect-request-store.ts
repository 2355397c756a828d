import type { RedisClient } from './redis-client.js';
import { key, platformBase } from './keys.js';
import { luaList, scripts, type ScriptRunner } from './scripts.js';
import { lexPage, type Page } from './lex-page.js';
import { REQUEST_STATUSES, sourcesOf, type RequestStatus } from '../domain/connect-request-state.js';
import type { Attempt, ConnectRequest, ConnectRequestListQuery } from '../domain/schemas/connect-request.js';
import type { LinkError } from '../domain/link-errors.js';
import type { Provider } from '../domain/schemas/common.js';
import type { CredentialVault } from '../crypto/vault.js';
import { openSealedBlob } from './sealed-credential.js';
import { logEntries, readRecords } from './read-records.js';
import type { RecordEventScriptArgs } from './webhook-message-store.js';
import { DEFAULT_RETENTION, type RetentionSettings } from './retention.js';

export interface NewRequest {
  id: string;
  tenantId: string;
  provider: Provider;
  metadata?: Record<string, unknown>;
  /** Vault ciphertext of the API key. */
  encryptedCredential: string;
  /** Id of the validate job that makes its first attempt (first-attempts-jobs.ts); the stranded-request sweep looks for it. */
  validateJob: string;
}

/** Per item: accepted, or rejected because another request for the tenant is in flight. */
export type CreateResult = { accepted: true } | { accepted: false; inFlightId: string };

export interface TransitionArgs {
  to: RequestStatus;
  attempt?: Attempt;
  error?: LinkError;
  link?: { accountId: string; company: { identifier: string; name: string }; fingerprint: string };
  /**
   * With a final status: the result event, built from the request as the transition is expected to
   * leave it (its account id and operation). Recorded in the same step when that came true.
   */
  event?: RecordEventScriptArgs & { accountId: string | null; operation: 'created' | 'updated' | null };
}

export type TransitionResult =
  | { result: 'applied'; from: RequestStatus; accountId?: string; operation?: 'created' | 'updated'; request?: StoredRequest; published?: string[] }
  | { result: 'rejected'; from: RequestStatus; request?: StoredRequest }
  | { result: 'missing' };

/** A request claimed for validation (`applied`), or why not; `request` is null only when it is `missing`. */
export interface Claim {
  result: 'applied' | 'rejected' | 'missing';
  request: StoredRequest | null;
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
    completedAt: h.status === 'linked' || h.status === 'failed' ? h.updatedAt! : null,
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

/** Connect requests of every platform: creation, state transitions, reads and lists. */
export class ConnectRequestStore {
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

  /** Stores requests in one round trip; one tenant already in flight never sinks the others. */
  async create(platformId: string, items: NewRequest[], batchId?: string, now = new Date()): Promise<CreateResult[]> {
    const raw = await this.run.createRequests(this.base(platformId), {
      batchId: batchId ?? '',
      now: now.toISOString(),
      expireAt: now.getTime() + this.retention.keepMs,
      items: items.map((item) => ({
        id: item.id,
        tenantId: item.tenantId,
        provider: item.provider,
        metadata: item.metadata ? JSON.stringify(item.metadata) : '',
        cred: item.encryptedCredential,
        job: item.validateJob,
      })),
    });
    const results = JSON.parse(raw) as string[] | Record<string, never>;
    return luaList(results).map((r) => (r === '' ? { accepted: true } : { accepted: false, inFlightId: r }));
  }

  async get(platformId: string, id: string, options: { attempts?: boolean } = {}): Promise<StoredRequest | null> {
    const [request] = await this.getMany(platformId, [id], options);
    return request ?? null;
  }

  async getMany(platformId: string, ids: string[], { attempts = true } = {}): Promise<(StoredRequest | null)[]> {
    const base = this.base(platformId);
    const records = await readRecords(this.redis, ids, (id) => key.request(base, id), attempts ? { log: (id) => key.requestAttempts(base, id) } : undefined);
    return records.map(({ hash, list }, i) => viewOrNull(ids[i]!, hash, list));
  }

  /** The validate job each request was first queued in (null for a request that is gone). */
  async validateJobsOf(platformId: string, ids: string[]): Promise<(string | null)[]> {
    const base = this.base(platformId);
    return Promise.all(ids.map((id) => this.redis.hget(key.request(base, id), 'job')));
  }

  /** Decrypts a pending credential read by getWithCredential, re-encrypting it in place if it was sealed with an older vault key. */
  openCredential(platformId: string, id: string, blob: string, vault: CredentialVault, aad: string): Promise<string> {
    return openSealedBlob(this.run, key.pendingCredential(this.base(platformId), id), blob, vault, aad);
  }

  /**
   * The validate worker's first step: moves each request to `validating` when its state allows and
   * returns it with its attempts and its pending credential either way, all in one round trip.
   * `firstAttempt` leaves a `retrying` request as it is: its own job is waiting to run it.
   */
  async claimForValidation(platformId: string, ids: string[], { firstAttempt = false, now = new Date() } = {}): Promise<Claim[]> {
    const from = sourcesOf('validating').filter((s) => !firstAttempt || s !== 'retrying');
    const raw = await this.run.transition(this.base(platformId), { ids, to: 'validating', from, now: now.toISOString(), read: true });
    const parsed = JSON.parse(raw) as { result: Claim['result']; request?: Record<string, string>; attempts?: string; credential?: string; tenantAccountId?: string }[];
    return parsed.map((claim, i) => ({
      result: claim.result,
      request: viewOrNull(ids[i]!, claim.request, logEntries(claim.attempts)),
      encryptedCredential: claim.credential ?? null,
      tenantAccountId: claim.tenantAccountId ?? null,
    }));
  }

  async list(platformId: string, query: ConnectRequestListQuery): Promise<Page<StoredRequest>> {
    const base = this.base(platformId);
    const { status, tenantId, batchId } = query;
    // Use the most selective index; the other filters are checked row by row.
    const index = batchId
      ? key.requestsByBatch(base, batchId)
      : tenantId
        ? key.requestsByTenant(base, tenantId)
        : status
          ? key.requestsByStatus(base, status)
          : // Every request is in exactly one status index: together they are the list of all.
            REQUEST_STATUSES.map((s) => key.requestsByStatus(base, s));
    const needsFilter = [status, tenantId, batchId].filter(Boolean).length > 1;
    return lexPage(this.redis, {
      index,
      limit: query.limit ?? 50,
      cursor: query.cursor,
      load: (ids) => this.getMany(platformId, ids, { attempts: true }),
      keep: needsFilter
        ? (r) => (!status || r.status === status) && (!tenantId || r.tenantId === tenantId) && (!batchId || r.batchId === batchId)
        : undefined,
    });
  }

  /** Applies a state transition when the current state allows it; a repeat is a harmless no-op. */
  async transition(platformId: string, id: string, args: TransitionArgs, now = new Date()): Promise<TransitionResult> {
    const raw = await this.run.transition(this.base(platformId), {
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
    });
    const parsed = JSON.parse(raw) as TransitionResult & { request?: Record<string, string>; published?: string[] | Record<string, never> };
    if (parsed.result === 'missing') return parsed;
    const published = parsed.published === undefined ? {} : { published: luaList(parsed.published) };
    if (!parsed.request) return { ...parsed, ...published } as TransitionResult;
    return { ...parsed, ...published, request: toView(id, parsed.request, []) };
  }
}
