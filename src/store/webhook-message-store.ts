import { z } from 'zod';
import type { RedisClient } from './redis-client.js';
import { key, ShardBases } from './keys.js';
import { scripts, type ScriptRunner } from './scripts.js';
import { lexPage, type Page } from './lex-page.js';
import { shardOf } from '../domain/shards.js';
import { readRecords } from './read-records.js';
import { DEFAULT_RETENTION, messageExpiryEntry, type RetentionSettings } from './retention.js';
import { eventShardKey, type EventType, type WebhookEvent } from '../domain/events.js';
import type { DeliveryAttempt, WebhookMessage } from '../domain/schemas/webhook.js';
import { messageIdRange, messagePredicate, type MessageFilter } from '../domain/message-filter.js';
import { FreshMessages } from './fresh-messages.js';

export interface RecordEventArgs {
  /** Same key, same event: a retried job records nothing new. */
  dedupe: string;
  event: WebhookEvent;
  connectRequestId: string | null;
  messages: { id: string; endpointId: string }[];
}

/** What recordEvent in src/store/lua/helpers/record-event.lua takes; the final transition takes it too. */
export interface RecordEventScriptArgs {
  dedupe: string;
  now: string;
  connectRequestId: string;
  eventType: string;
  payload: string;
  messages: { id: string; endpointId: string }[];
}

export function recordEventScriptArgs(args: RecordEventArgs, now: Date): RecordEventScriptArgs {
  return {
    dedupe: args.dedupe,
    now: now.toISOString(),
    connectRequestId: args.connectRequestId ?? '',
    eventType: args.event.type,
    payload: JSON.stringify(args.event),
    messages: args.messages,
  };
}

/** A result event's dedupe key holds its message ids (lua/helpers/record-event.lua). */
const messageIdList = z.array(z.string());

/** The keys of an event's new messages, as record-event.lua takes them (`each`), for `base` (the shard of the event's tenant). */
export function messageKeys(base: string, messages: RecordEventArgs['messages']): { message: string; body: string }[] {
  return messages.map(({ id }) => ({ message: key.message(base, id), body: key.messageBody(base, id) }));
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

export type DeliverableMessage = Pick<StoredMessage, 'id' | 'endpointId' | 'status' | 'attemptCount' | 'body'> & {
  /** Attempts made before the current delivery run (a manual redelivery starts a new run with a fresh schedule). */
  runStart: number;
};

function toView(id: string, h: Record<string, string>, attempts: string[], body: string): StoredMessage {
  return {
    id,
    endpointId: h.endpointId!,
    eventType: h.eventType as EventType,
    connectRequestId: h.connectRequestId || null,
    status: h.status as WebhookMessage['status'],
    attempts: attempts.map((a) => JSON.parse(a) as DeliveryAttempt),
    payload: JSON.parse(body) as WebhookEvent,
    body,
    attemptCount: Number(h.attemptCount ?? 0),
    createdAt: h.createdAt!,
    updatedAt: h.updatedAt!,
  };
}

/**
 * Webhook messages and their delivery log. An event's messages live in the data shard of the
 * tenant it is about (their ids name it), beside the request they confirm.
 */
export class WebhookMessageStore {
  private readonly run: ScriptRunner;
  private readonly bases: ShardBases;
  private readonly fresh = new FreshMessages();

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly retention: RetentionSettings = DEFAULT_RETENTION,
  ) {
    this.run = scripts(redis);
    this.bases = new ShardBases(prefix);
  }

  private base(platformId: string, id: string) {
    return this.bases.ofId(platformId, id);
  }

  /** Returns the ids of the event's messages that still need delivering. */
  async recordEvent(platformId: string, args: RecordEventArgs, now = new Date()): Promise<string[]> {
    const base = this.bases.ofShard(platformId, shardOf(platformId, eventShardKey(args.event)));
    const requestId = args.connectRequestId ?? '';
    const keys = {
      base,
      event: key.event(base, args.dedupe),
      messages: key.messageIndex(base),
      request: key.request(base, requestId),
      each: messageKeys(base, args.messages),
    };
    const scriptArgs = recordEventScriptArgs(args, now);
    const { created, pending } = await this.run.recordEvent(keys, Object.assign(scriptArgs, { expireAt: now.getTime() + this.retention.keepMs }));
    if (created) this.recorded(scriptArgs, pending);
    return pending;
  }

  /**
   * Messages just recorded from `args` (here, or by finish-request.lua), `ids` those still pending:
   * the first attempt of those created by that very call reads them from memory.
   */
  recorded(args: Pick<RecordEventScriptArgs, 'payload' | 'messages'>, ids: string[]): void {
    this.fresh.remember(args.payload, args.messages.filter((m) => ids.includes(m.id)));
  }

  async get(platformId: string, id: string): Promise<StoredMessage | null> {
    const [message] = await this.getMany(platformId, [id]);
    return message ?? null;
  }

  /**
   * What one delivery attempt needs, in one round trip: no attempt log, no parsed payload. For the
   * first attempt (`attempt` 1) of a message this process just recorded, no round trip at all.
   */
  async getForDelivery(platformId: string, id: string, attempt?: number): Promise<DeliverableMessage | null> {
    const fresh = attempt === 1 ? this.fresh.take(id) : undefined;
    if (fresh) return { id, endpointId: fresh.endpointId, status: 'pending', attemptCount: 0, runStart: 0, body: fresh.body };
    const base = this.base(platformId, id);
    const [h, body] = await Promise.all([this.redis.hgetall(key.message(base, id)), this.redis.get(key.messageBody(base, id))]);
    if (!h.status || body === null) return null;
    return {
      id,
      endpointId: h.endpointId!,
      status: h.status as WebhookMessage['status'],
      attemptCount: Number(h.attemptCount ?? 0),
      runStart: Number(h.runStart ?? 0),
      body,
    };
  }

  async getMany(platformId: string, ids: string[]): Promise<(StoredMessage | null)[]> {
    const base = (id: string) => this.base(platformId, id);
    const [records, bodies] = await Promise.all([
      readRecords(this.redis, ids, (id) => key.message(base(id), id), (id) => key.messageAttempts(base(id), id)),
      Promise.all(ids.map((id) => this.redis.get(key.messageBody(base(id), id)))),
    ]);
    return records.map(({ hash, list }, i) => (hash.status && bodies[i] ? toView(ids[i]!, hash, list, bodies[i]!) : null));
  }

  /** Newest first. A filtered page may hold fewer than `limit` messages while `nextCursor` says there is more to look through. */
  async list(platformId: string, query: MessageFilter & { limit?: number; cursor?: string }): Promise<Page<StoredMessage>> {
    const { connectRequestId } = query;
    return lexPage(this.redis, {
      indexes: connectRequestId ? { ids: await this.messageIdsOf(platformId, connectRequestId) } : this.bases.all(platformId).map((base) => key.messageIndex(base)),
      limit: query.limit ?? 50,
      cursor: query.cursor,
      ...messageIdRange(query),
      keep: messagePredicate(query),
      load: (ids) => this.getMany(platformId, ids),
    });
  }

  /** A connect request's messages: those its result event was recorded as (none before it finished). */
  private async messageIdsOf(platformId: string, connectRequestId: string): Promise<string[]> {
    const ids = await this.redis.get(key.resultEvent(this.base(platformId, connectRequestId), connectRequestId));
    return ids ? messageIdList.parse(JSON.parse(ids)) : [];
  }

  /**
   * Logs an attempt if the message is still pending and `expectedCount` attempts are on record
   * (compare-and-set); `applied` is false when another run got there first.
   */
  async recordDelivery(
    platformId: string,
    id: string,
    args: { expectedCount: number; attempt: DeliveryAttempt; outcome: DeliveryOutcome },
    now = new Date(),
  ): Promise<RecordDeliveryResult> {
    // From here on the message is no longer as it was recorded.
    this.fresh.take(id);
    const base = this.base(platformId, id);
    const keys = { base, message: key.message(base, id), attempts: key.messageAttempts(base, id), body: key.messageBody(base, id), expiry: key.expiry(base) };
    const { result, confirmedRequestCreatedAt } = await this.run.recordDelivery(keys, {
      id,
      expectedCount: args.expectedCount,
      attempt: args.attempt,
      outcome: args.outcome,
      now: now.toISOString(),
      expireAt: now.getTime() + this.retention.keepMs,
    });
    return { applied: result === 'applied', ...(confirmedRequestCreatedAt ? { confirmedRequestCreatedAt } : {}) };
  }

  /**
   * Makes a finished message deliverable again (manual redelivery): a new run with a fresh schedule,
   * starting after the attempts on record. Returns the attempt the run's first job makes. A message
   * still being delivered is left alone. It no longer expires until this run finishes
   * (record-delivery.lua retires it again), nor does its request's result event, which lists it.
   */
  async reopen(platformId: string, id: string): Promise<{ attempt: number } | 'missing' | 'in_progress'> {
    this.fresh.take(id);
    const base = this.base(platformId, id);
    const k = key.message(base, id);
    const [status, attemptCount, connectRequestId] = await this.redis.hmget(k, 'status', 'attemptCount', 'connectRequestId');
    if (!status) return 'missing';
    if (status === 'pending') return 'in_progress';
    const recorded = Number(attemptCount ?? 0);
    const revive = this.redis.multi().persist(k).persist(key.messageAttempts(base, id)).persist(key.messageBody(base, id));
    revive.zrem(key.expiry(base), messageExpiryEntry(id));
    if (connectRequestId) revive.persist(key.resultEvent(base, connectRequestId));
    await revive.hset(k, 'status', 'pending', 'runStart', recorded).exec();
    return { attempt: recorded + 1 };
  }
}
