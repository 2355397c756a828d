import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient } from './redis-client.js';
import { key, platformBase, ShardBases } from './keys.js';
import { scripts, type ScriptRunner } from './scripts.js';
import { newId } from '../domain/ids.js';
import type { ConnectSessionInput } from '../domain/schemas/connect-session.js';
import type { Provider } from '../domain/schemas/common.js';

/** `submitting` holds the session between the claim and the creation of its connect request. */
export type SessionStatus = 'open' | 'submitting' | 'used';

export interface StoredSession {
  id: string;
  platformId: string;
  tenantId: string;
  provider: Provider;
  metadata?: Record<string, unknown>;
  /** Origins that may frame the Hub and receive its messages (empty: none). */
  allowedOrigins: string[];
  /** Where the Hub sends the end user after success or cancel. */
  returnUrl: string | null;
  /** Hex SHA-256 of the token's secret. */
  secretDigest: string;
  status: SessionStatus;
  /** The connect request of the latest submission, if any. */
  requestId: string | null;
  createdAt: string;
  expiresAt: string;
}

export interface ConnectSessionStoreOptions {
  /** How long past its expiry a session is kept, so its page can still say "expired" and show its request's outcome (LINKER_RETENTION). Default 24 h. */
  retentionMs?: number;
  /** Submissions per session: a failed key may be retried, but not without end. Default 5. */
  maxSubmissions?: number;
  /** A claim never bound to a request (its process died) frees the session after this. Default 60 s. */
  staleClaimMs?: number;
}

export const digestSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Connect sessions: short-lived, single-purpose capabilities behind the Connect Hub page. */
export class ConnectSessionStore {
  private readonly run: ScriptRunner;
  private readonly retentionMs: number;
  private readonly maxSubmissions: number;
  private readonly staleClaimMs: number;
  private readonly bases: ShardBases;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    options: ConnectSessionStoreOptions = {},
  ) {
    this.run = scripts(redis);
    this.bases = new ShardBases(prefix);
    this.retentionMs = options.retentionMs ?? 24 * 3600_000;
    this.maxSubmissions = options.maxSubmissions ?? 5;
    this.staleClaimMs = options.staleClaimMs ?? 60_000;
  }

  private k(platformId: string, id: string) {
    return key.session(platformBase(this.prefix, platformId), id);
  }

  /** Creates a session; the secret is returned once and only its digest is stored. */
  async create(platformId: string, input: ConnectSessionInput, ttlMs: number, now = new Date()): Promise<{ id: string; secret: string; expiresAt: string }> {
    const id = newId('connectSession');
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    const k = this.k(platformId, id);
    await this.redis
      .multi()
      .hset(k, {
        tenantId: input.tenantId,
        provider: input.provider,
        metadata: input.metadata ? JSON.stringify(input.metadata) : '',
        allowedOrigins: JSON.stringify(input.allowedOrigins ?? []),
        returnUrl: input.returnUrl ?? '',
        secretDigest: digestSecret(secret),
        status: 'open',
        requestId: '',
        submissions: 0,
        createdAt: now.toISOString(),
        expiresAt,
      })
      .pexpire(k, ttlMs + this.retentionMs)
      .exec();
    return { id, secret, expiresAt };
  }

  async get(platformId: string, id: string): Promise<StoredSession | null> {
    const h = await this.redis.hgetall(this.k(platformId, id));
    if (!h.status) return null;
    return {
      id,
      platformId,
      tenantId: h.tenantId!,
      provider: h.provider as Provider,
      metadata: h.metadata ? (JSON.parse(h.metadata) as Record<string, unknown>) : undefined,
      // Sessions created before embedding existed have neither field.
      allowedOrigins: h.allowedOrigins ? (JSON.parse(h.allowedOrigins) as string[]) : [],
      returnUrl: h.returnUrl || null,
      secretDigest: h.secretDigest!,
      status: h.status as SessionStatus,
      requestId: h.requestId || null,
      createdAt: h.createdAt!,
      expiresAt: h.expiresAt!,
    };
  }

  /** Atomically reserves the session for one submission; "used" when it already sent a key that did not fail. */
  async claim(platformId: string, id: string, now = Date.now()): Promise<'claimed' | 'used' | 'missing'> {
    // A session whose request failed is free again; failed is final, so reading it first is safe.
    const requestId = await this.redis.hget(this.k(platformId, id), 'requestId');
    const failed = requestId ? (await this.redis.hget(key.request(this.bases.ofId(platformId, requestId), requestId), 'status')) === 'failed' : false;
    const result = await this.run.claimSession({ session: this.k(platformId, id) }, {
      failedRequestId: failed ? requestId : '',
      now,
      maxSubmissions: this.maxSubmissions,
      staleMs: this.staleClaimMs,
    });
    return result;
  }

  /** Records the connect request a claim created. */
  async bind(platformId: string, id: string, requestId: string): Promise<void> {
    const k = this.k(platformId, id);
    await this.redis.multi().hset(k, { status: 'used', requestId }).pexpire(k, this.retentionMs, 'NX').exec();
  }

  /** Gives a claim back when no request was created, so the end user can try again. */
  async release(platformId: string, id: string, previousRequestId: string | null): Promise<void> {
    const k = this.k(platformId, id);
    await this.redis
      .multi()
      .hset(k, { status: previousRequestId ? 'used' : 'open' })
      .hincrby(k, 'submissions', -1)
      // A session that expired since its claim comes back as a stub: it must not stay for good.
      .pexpire(k, this.retentionMs, 'NX')
      .exec();
  }
}
