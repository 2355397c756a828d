import type { RedisClient } from './redis-client.js';
import { key, platformBase } from './keys.js';
import type { CredentialVault } from '../crypto/vault.js';
import { EVENT_TYPES, type EventType } from '../domain/events.js';
import type { WebhookEndpoint } from '../domain/schemas/webhook.js';
import { EndpointCache } from './endpoint-cache.js';
import { scripts, type ScriptRunner } from './scripts.js';

/** A signing secret and, for a rotated-out one, when it stops signing. */
interface StoredSecret {
  secret: string;
  expiresAt: number | null;
}

export interface EndpointWithSecrets extends WebhookEndpoint {
  /** Secrets that sign right now, newest first. */
  activeSecrets: string[];
}

/** An endpoint as stored, its secrets decrypted but not yet filtered by expiry. */
interface DecryptedEndpoint {
  endpoint: WebhookEndpoint;
  secrets: StoredSecret[];
}

/** How long a rotated-out secret keeps signing, so receivers can switch without losing messages. */
export const SECRET_OVERLAP_MS = 24 * 3600 * 1000;

/**
 * Webhook endpoints. Secrets are needed in clear to sign, so they are stored vault-encrypted.
 * The API reads them fresh; the hot path of every link (subscribers, getForDelivery) reads them
 * through a short-lived per-process cache (endpoint-cache.ts) kept honest by a version counter.
 */
export class WebhookEndpointStore {
  private readonly cache: EndpointCache<DecryptedEndpoint>;
  private readonly run: ScriptRunner;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly vault: CredentialVault,
    options: { cacheTtlMs?: number } = {},
  ) {
    this.run = scripts(redis);
    const readVersion = async (platformId: string) => (await this.redis.get(key.endpointsVersion(this.base(platformId)))) ?? '0';
    this.cache = new EndpointCache({
      readVersion,
      load: async (platformId) => ({ version: await readVersion(platformId), items: await this.loadAll(platformId) }),
      ttlMs: options.cacheTtlMs,
    });
  }

  private base(platformId: string) {
    return platformBase(this.prefix, platformId);
  }

  private aad(platformId: string, id: string) {
    return `webhook-secret/${platformId}/${id}`;
  }

  /** Stores a new endpoint; false (nothing stored) when the platform already has `maxEndpoints`. */
  async create(platformId: string, endpoint: WebhookEndpoint, secret: string, maxEndpoints: number): Promise<boolean> {
    const secrets: StoredSecret[] = [{ secret, expiresAt: null }];
    const base = this.base(platformId);
    const stored = await this.run.createEndpoint({ endpoints: key.endpointIndex(base), endpoint: key.endpoint(base, endpoint.id), version: key.endpointsVersion(base) }, {
      id: endpoint.id,
      max: maxEndpoints,
      fields: {
        id: endpoint.id,
        url: endpoint.url,
        events: JSON.stringify(endpoint.events),
        description: endpoint.description ?? '',
        status: endpoint.status,
        createdAt: endpoint.createdAt,
        secrets: this.vault.encrypt(JSON.stringify(secrets), this.aad(platformId, endpoint.id)),
      },
    });
    if (stored !== 1) return false;
    this.cache.forget(platformId);
    return true;
  }

  async get(platformId: string, id: string, now = Date.now()): Promise<EndpointWithSecrets | null> {
    const h = await this.redis.hgetall(key.endpoint(this.base(platformId), id));
    return h.id ? withActiveSecrets(this.decrypt(platformId, h), now) : null;
  }

  async list(platformId: string, now = Date.now()): Promise<EndpointWithSecrets[]> {
    return (await this.loadAll(platformId)).map((e) => withActiveSecrets(e, now));
  }

  /** Enabled endpoints that subscribe to `type` (cached; see the class comment). */
  async subscribers(platformId: string, type: EventType, now = Date.now()): Promise<EndpointWithSecrets[]> {
    return (await this.cache.get(platformId))
      .filter((e) => e.endpoint.status === 'enabled' && e.endpoint.events.includes(type))
      .map((e) => withActiveSecrets(e, now));
  }

  /** One endpoint for a delivery attempt (cached); one created since the cache was filled is read fresh. */
  async getForDelivery(platformId: string, id: string, now = Date.now()): Promise<EndpointWithSecrets | null> {
    const cached = (await this.cache.get(platformId)).find((e) => e.endpoint.id === id);
    return cached ? withActiveSecrets(cached, now) : this.get(platformId, id, now);
  }

  async delete(platformId: string, id: string): Promise<boolean> {
    const base = this.base(platformId);
    const [[, removed] = []] = (await this.redis.multi().del(key.endpoint(base, id)).zrem(key.endpointIndex(base), id).exec()) ?? [];
    if (removed !== 1) return false;
    // Deleting nothing (an unknown or another platform's id) must leave no trace, so only a real delete bumps the version.
    await this.redis.incr(key.endpointsVersion(base));
    this.cache.forget(platformId);
    return true;
  }

  /**
   * Disables an enabled endpoint (a receiver answered 410 Gone). True only for the call that
   * disabled it, so two messages answered 410 at once disable it, and announce it, once.
   */
  async disable(platformId: string, id: string, reason: string, at: string): Promise<boolean> {
    const base = this.base(platformId);
    const changed = Number(await this.run.disableEndpoint({ endpoint: key.endpoint(base, id), version: key.endpointsVersion(base) }, { reason, now: at })) === 1;
    if (changed) this.cache.forget(platformId);
    return changed;
  }

  /** Sends to a disabled endpoint again; null for an unknown one. Enabling an enabled endpoint changes nothing. */
  async enable(platformId: string, id: string): Promise<WebhookEndpoint | null> {
    const base = this.base(platformId);
    const k = key.endpoint(base, id);
    const status = await this.redis.hget(k, 'status');
    if (!status) return null;
    if (status === 'disabled') {
      await this.redis.multi().hset(k, 'status', 'enabled').hdel(k, 'disabledAt', 'disabledReason').incr(key.endpointsVersion(base)).exec();
      this.cache.forget(platformId);
    }
    return (await this.get(platformId, id))!;
  }

  /** Adds a new secret; the previous one keeps signing for SECRET_OVERLAP_MS. */
  async rotate(platformId: string, id: string, newSecret: string, now = Date.now()): Promise<boolean> {
    const k = key.endpoint(this.base(platformId), id);
    const blob = await this.redis.hget(k, 'secrets');
    if (!blob) return false;
    const current = this.readSecrets(platformId, id, blob).filter((s) => s.expiresAt === null || s.expiresAt > now);
    const next: StoredSecret[] = [
      { secret: newSecret, expiresAt: null },
      ...current.map((s) => ({ secret: s.secret, expiresAt: s.expiresAt ?? now + SECRET_OVERLAP_MS })),
    ];
    await this.redis
      .multi()
      .hset(k, 'secrets', this.vault.encrypt(JSON.stringify(next), this.aad(platformId, id)))
      .incr(key.endpointsVersion(this.base(platformId)))
      .exec();
    this.cache.forget(platformId);
    return true;
  }

  private async loadAll(platformId: string): Promise<DecryptedEndpoint[]> {
    const base = this.base(platformId);
    const ids = await this.redis.zrange(key.endpointIndex(base), 0, -1);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(key.endpoint(base, id));
    const replies = (await pipeline.exec()) ?? [];
    return replies
      .map(([, h]) => h as Record<string, string>)
      .filter((h) => h?.id)
      .map((h) => this.decrypt(platformId, h));
  }

  private readSecrets(platformId: string, id: string, blob: string): StoredSecret[] {
    return JSON.parse(this.vault.decrypt(blob, this.aad(platformId, id))) as StoredSecret[];
  }

  private decrypt(platformId: string, h: Record<string, string>): DecryptedEndpoint {
    const events = h.events ? (JSON.parse(h.events) as EventType[]) : [...EVENT_TYPES];
    const disabled = h.status === 'disabled';
    return {
      endpoint: {
        id: h.id!,
        url: h.url!,
        events,
        description: h.description || null,
        status: disabled ? 'disabled' : 'enabled',
        disabledReason: disabled ? (h.disabledReason ?? 'the receiver answered 410 Gone') : null,
        disabledAt: disabled ? (h.disabledAt ?? null) : null,
        createdAt: h.createdAt!,
      },
      secrets: this.readSecrets(platformId, h.id!, h.secrets!),
    };
  }
}

/** Expiry is applied on every read, so a cached endpoint never signs with a secret past its overlap. */
function withActiveSecrets({ endpoint, secrets }: DecryptedEndpoint, now: number): EndpointWithSecrets {
  // Object.assign, not `{ ...x, newKey }`: see docs/performance.md#object-spreads.
  return Object.assign({}, endpoint, { activeSecrets: secrets.filter((s) => s.expiresAt === null || s.expiresAt > now).map((s) => s.secret) });
}
