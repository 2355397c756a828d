import { DATA_SHARDS, shardOf, shardOfId } from '../domain/shards.js';
import { resultDedupe } from '../domain/events.js';
import { slotSpreadTags } from './slot-spread-tags.js';

/**
 * Redis key layout.
 * - Platform keys (webhook endpoints, idempotency keys, Connect sessions) share the hash tag
 *   `{platformId}`: few, small, and read together.
 * - A platform's per-tenant records live in one of DATA_SHARDS data shards (domain/shards.ts). A
 *   shard's hash tag names the shard, not the platform, and the tags' slots spread evenly over the
 *   cluster (slot-spread-tags.ts), so one platform's tenants spread over every master. Every key a
 *   Lua script touches is in one shard: one slot.
 */
export function platformBase(prefix: string, platformId: string): string {
  return `${prefix}:{${platformId}}`;
}

const DATA_SHARD_TAGS = slotSpreadTags(DATA_SHARDS, 'd');

/** The base of every key of `platformId` in data shard `shard`. */
export function shardBase(prefix: string, platformId: string, shard: number): string {
  return `${prefix}:{${DATA_SHARD_TAGS[shard]!}}:${platformId}`;
}

/** Bases of a platform's data: by shard, by a sharded record's id, by tenant. */
export class ShardBases {
  constructor(private readonly prefix: string) {}

  ofShard(platformId: string, shard: number): string {
    return shardBase(this.prefix, platformId, shard);
  }

  ofId(platformId: string, id: string): string {
    return this.ofShard(platformId, shardOfId(id));
  }

  ofTenant(platformId: string, tenantId: string): string {
    return this.ofShard(platformId, shardOf(platformId, tenantId));
  }

  /** One base per shard, in shard order. */
  all(platformId: string): string[] {
    return Array.from({ length: DATA_SHARDS }, (_, shard) => this.ofShard(platformId, shard));
  }
}

/** Keys that belong to no platform (the platform registry, the deployment's layout). */
export function globalKey(prefix: string, name: string): string {
  return `${prefix}:{global}:${name}`;
}

/** BullMQ prefix: one hash tag for all queue keys, as BullMQ requires on a cluster. */
export function queuePrefix(prefix: string): string {
  return `{${prefix}:q}`;
}

/** Keys under a shard base (requests, accounts, messages, batch counters) or a platform base (the rest). */
export const key = {
  request: (base: string, id: string) => `${base}:cr:${id}`,
  requestAttempts: (base: string, id: string) => `${base}:cr:${id}:attempts`,
  pendingCredential: (base: string, id: string) => `${base}:cred:${id}`,
  /** The request holding a tenant's in-flight slot. */
  inflight: (base: string, provider: string, tenantId: string) => `${base}:inflight:${provider}:${tenantId}`,
  requestIndex: (base: string) => `${base}:idx:cr`,
  requestsByStatus: (base: string, status: string) => `${base}:idx:cr:s:${status}`,
  requestsByTenant: (base: string, tenantId: string) => `${base}:idx:cr:t:${tenantId}`,
  requestsByBatch: (base: string, batchId: string) => `${base}:idx:cr:b:${batchId}`,
  /** A batch's counters for the requests in this shard (GET /v1/batches sums the shards). */
  batch: (base: string, id: string) => `${base}:bat:${id}`,
  account: (base: string, id: string) => `${base}:acc:${id}`,
  accountCredential: (base: string, id: string) => `${base}:acc:${id}:cred`,
  accountHistory: (base: string, id: string) => `${base}:acc:${id}:history`,
  /** The account of a tenant, so a re-link updates it. */
  accountByTenant: (base: string, provider: string, tenantId: string) => `${base}:acc-by-tenant:${provider}:${tenantId}`,
  accountIndex: (base: string) => `${base}:idx:acc`,
  accountsByStatus: (base: string, status: string) => `${base}:idx:acc:s:${status}`,
  endpoint: (base: string, id: string) => `${base}:we:${id}`,
  endpointIndex: (base: string) => `${base}:idx:we`,
  /** Bumped on every endpoint change, so per-process endpoint caches know when to reload. */
  endpointsVersion: (base: string) => `${base}:we-version`,
  message: (base: string, id: string) => `${base}:msg:${id}`,
  messageAttempts: (base: string, id: string) => `${base}:msg:${id}:attempts`,
  messageBody: (base: string, id: string) => `${base}:msg:${id}:body`,
  /** The dedupe key of a request's result event: the ids of its messages, the one list of a request's messages (lua/helpers/record-event.lua). */
  resultEvent: (base: string, requestId: string): string => key.event(base, resultDedupe(requestId)),
  messageIndex: (base: string) => `${base}:idx:msg`,
  /** The message ids an event was recorded as (its dedupe key). */
  event: (base: string, dedupe: string) => `${base}:evt:${dedupe}`,
  idempotency: (base: string, idemKey: string) => `${base}:idem:${idemKey}`,
  /** Held while a call works under the key (claim-idempotency.lua). */
  idempotencyLease: (base: string, idemKey: string) => `${base}:idem:${idemKey}:lease`,
  session: (base: string, id: string) => `${base}:cs:${id}`,
  /** Finished records by expiry time, naming the index entries to drop then (src/store/retention.ts). */
  expiry: (base: string) => `${base}:exp`,
  hubSettings: (base: string) => `${base}:hub-settings`,
};
