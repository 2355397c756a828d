import type { RedisClient } from './redis-client.js';
import { key, platformBase } from './keys.js';
import { luaList, scripts, CONFIRMATION_RULES, type ScriptRunner } from './scripts.js';
import { lexPage, type Page } from './lex-page.js';
import { readRecords } from './read-records.js';
import type { EventType, WebhookEvent } from '../domain/events.js';
import type { DeliveryAttempt, WebhookMessage } from '../domain/schemas/webhook.js';
import { DEFAULT_RETENTION, type RetentionSettings } from './retention.js';

export interface RecordEventArgs {
  /** Same key, same event: a retried job records nothing new. */
  dedupe: string;
  event: WebhookEvent;
  connectRequestId: string | null;
  messages: { id: string; endpointId: string }[];
}

/** What recordEvent in src/store/lua/lib.lua takes; the final transition takes it too. */
export interface RecordEventScriptArgs {
  dedupe: string;
  now: string;
  connectRequestId: string;
  eventType: string;
  payload: string;
  messages: { id: string; endpointId: string }[];
  rules: typeof CONFIRMATION_RULES;
  /** When the dedupe key expires (ms); the transition that records a result sets it to the request's own expiry. */
  expireAt?: number;
}

export function recordEventScriptArgs(args: RecordEventArgs, now: Date): RecordEventScriptArgs {
  return {
    dedupe: args.dedupe,
    now: now.toISOString(),
    connectRequestId: args.connectRequestId ?? '',
    eventType: args.event.type,
    payload: JSON.stringify(args.event),
    messages: args.messages,
    rules: CONFIRMATION_RULES,
  };
}

export type DeliveryOutcome = 'delivered' | 'failed' | 'retry';

export interface RecordDeliveryResult {
  /** False when the message was already settled or another run recorded this attempt first. */
  applied: boolean;
  /** Set when this attempt confirmed its connect request: when that request was accepted. */
  confirmedRequestCreatedAt?: string;
}

export interface StoredMessage extends WebhookMessage {
  attemptCount: number;
  /** The exact body signed and sent on every attempt. */
  body: string;
}

export type DeliverableMessage = Pick<StoredMessage, 'id' | 'endpointId' | 'status' | 'attemptCount' | 'body'>;

function toView(id: string, h: Record<string, string>, attempts: string[], body: string): StoredMessage {
  return {
    id,
    endpointId: h.endpointId!,
    eventType: h.eventType as EventType,
    connectRequestId: h.connectRequestId || null,
    status: h.status as WebhookMessage['status'],
    attempts: attempts.map((a) => JSON.parse(a) as DeliveryAttempt),
    payload: JSON.parse(body) as Record<string, unknown>,
    body,
    attemptCount: Number(h.attemptCount ?? 0),
    createdAt: h.createdAt!,
    updatedAt: h.updatedAt!,
  };
}

/** Webhook messages and their delivery log. */
export class WebhookMessageStore {
  private readonly run: ScriptRunner;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** Told when a delivery disabled an endpoint (410), so this process' endpoint cache drops it at once. */
    private readonly onEndpointDisabled: (platformId: string) => void = () => {},
    private readonly retention: RetentionSettings = DEFAULT_RETENTION,
  ) {
    this.run = scripts(redis);
  }

  private base(platformId: string) {
    return platformBase(this.prefix, platformId);
  }

  /** Returns the ids of the event's messages that still need delivering. */
  async recordEvent(platformId: string, args: RecordEventArgs, now = new Date()): Promise<string[]> {
    const raw = await this.run.recordEvent(this.base(platformId), { ...recordEventScriptArgs(args, now), expireAt: now.getTime() + this.retention.keepMs });
    const { pending } = JSON.parse(raw) as { pending: string[] | Record<string, never> };
    return luaList(pending);
  }

  async get(platformId: string, id: string): Promise<StoredMessage | null> {
    const [message] = await this.getMany(platformId, [id]);
    return message ?? null;
  }

  /** What one delivery attempt needs, in one round trip: no attempt log, no parsed payload. */
  async getForDelivery(platformId: string, id: string): Promise<DeliverableMessage | null> {
    const base = this.base(platformId);
    const [h, body] = await Promise.all([this.redis.hgetall(key.message(base, id)), this.redis.get(key.messageBody(base, id))]);
    if (!h.status || body === null) return null;
    return { id, endpointId: h.endpointId!, status: h.status as WebhookMessage['status'], attemptCount: Number(h.attemptCount ?? 0), body };
  }

  async getMany(platformId: string, ids: string[]): Promise<(StoredMessage | null)[]> {
    const base = this.base(platformId);
    const [records, bodies] = await Promise.all([
      readRecords(this.redis, ids, (id) => key.message(base, id), { log: (id) => key.messageAttempts(base, id) }),
      ids.length ? this.redis.mget(ids.map((id) => key.messageBody(base, id))) : [],
    ]);
    return records.map(({ hash, list }, i) => (hash.status && bodies[i] ? toView(ids[i]!, hash, list, bodies[i]!) : null));
  }

  async list(platformId: string, query: { connectRequestId?: string; limit?: number; cursor?: string }): Promise<Page<StoredMessage>> {
    const base = this.base(platformId);
    const limit = query.limit ?? 50;
    if (query.connectRequestId) return this.listOfRequest(platformId, query.connectRequestId, limit, query.cursor);
    return lexPage(this.redis, { index: key.messageIndex(base), limit, cursor: query.cursor, load: (ids) => this.getMany(platformId, ids) });
  }

  /** A request's messages (one per endpoint subscribed when it finished): its result event lists them. */
  private async listOfRequest(platformId: string, requestId: string, limit: number, cursor?: string): Promise<Page<StoredMessage>> {
    const raw = await this.redis.get(key.resultEvent(this.base(platformId), requestId));
    const ids = luaList<string>(raw ? (JSON.parse(raw) as string[]) : [])
      .filter((id) => !cursor || id < cursor)
      .sort()
      .reverse();
    const rows = (await this.getMany(platformId, ids)).filter((m): m is StoredMessage => m !== null);
    const data = rows.slice(0, limit);
    return { data, nextCursor: rows.length > limit ? data.at(-1)!.id : null };
  }

  /**
   * Logs an attempt if the message is still pending and `expectedCount` attempts are on record
   * (compare-and-set); `applied` is false when another run got there first.
   */
  async recordDelivery(
    platformId: string,
    id: string,
    args: { expectedCount: number; attempt: DeliveryAttempt; outcome: DeliveryOutcome; disableEndpoint?: boolean },
    now = new Date(),
  ): Promise<RecordDeliveryResult> {
    const raw = await this.run.recordDelivery(this.base(platformId), {
      id,
      expectedCount: args.expectedCount,
      attempt: args.attempt,
      outcome: args.outcome,
      disableEndpoint: args.disableEndpoint ?? false,
      now: now.toISOString(),
      expireAt: now.getTime() + this.retention.keepMs,
      rules: CONFIRMATION_RULES,
    });
    const { result, confirmedRequestCreatedAt } = JSON.parse(raw) as { result: string; confirmedRequestCreatedAt?: string };
    if (result === 'applied' && args.disableEndpoint) this.onEndpointDisabled(platformId);
    return { applied: result === 'applied', ...(confirmedRequestCreatedAt ? { confirmedRequestCreatedAt } : {}) };
  }

  /**
   * Makes a finished message deliverable again (manual redelivery) and returns the run number for
   * its job id. A message still being delivered is left alone. The message no longer expires until
   * this delivery finishes (record-delivery.lua retires it again).
   */
  async reopen(platformId: string, id: string): Promise<{ run: number } | 'missing' | 'in_progress'> {
    const base = this.base(platformId);
    const k = key.message(base, id);
    const [status, connectRequestId] = await this.redis.hmget(k, 'status', 'connectRequestId');
    if (!status) return 'missing';
    if (status === 'pending') return 'in_progress';
    const revive = this.redis.multi().persist(k).persist(key.messageAttempts(base, id)).persist(key.messageBody(base, id)).zrem(key.expiry(base), id);
    // Its request's result event lists it: kept too, until this delivery retires the message again.
    if (connectRequestId) revive.persist(key.resultEvent(base, connectRequestId));
    const replies = (await revive.hset(k, 'status', 'pending').hincrby(k, 'redeliveries', 1).exec()) ?? [];
    return { run: Number(replies.at(-1)?.[1]) };
  }
}
