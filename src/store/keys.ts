/**
 * Redis key layout. Everything a platform owns shares the hash tag `{platformId}`, so every Lua
 * script touches one Redis Cluster slot, and platforms spread across the cluster.
 */
export function platformBase(prefix: string, platformId: string): string {
  return `${prefix}:{${platformId}}`;
}

/** Keys that belong to no platform (the platform registry). */
export function globalKey(prefix: string, name: string): string {
  return `${prefix}:{global}:${name}`;
}

/** BullMQ prefix: one hash tag for all queue keys, as BullMQ requires on a cluster. */
export function queuePrefix(prefix: string): string {
  return `{${prefix}:q}`;
}

export const key = {
  request: (base: string, id: string) => `${base}:cr:${id}`,
  requestAttempts: (base: string, id: string) => `${base}:cr:${id}:attempts`,
  pendingCredential: (base: string, id: string) => `${base}:cred:${id}`,
  requestsByStatus: (base: string, status: string) => `${base}:idx:cr:s:${status}`,
  requestsByTenant: (base: string, tenantId: string) => `${base}:idx:cr:t:${tenantId}`,
  requestsByBatch: (base: string, batchId: string) => `${base}:idx:cr:b:${batchId}`,
  batch: (base: string, id: string) => `${base}:bat:${id}`,
  account: (base: string, id: string) => `${base}:acc:${id}`,
  accountCredential: (base: string, id: string) => `${base}:acc:${id}:cred`,
  accountHistory: (base: string, id: string) => `${base}:acc:${id}:history`,
  accountsByStatus: (base: string, status: string) => `${base}:idx:acc:s:${status}`,
  /** The tenant's one account per provider: a re-link finds it here. */
  accountByTenant: (base: string, provider: string, tenantId: string) => `${base}:acc-by-tenant:${provider}:${tenantId}`,
  endpoint: (base: string, id: string) => `${base}:we:${id}`,
  endpointIndex: (base: string) => `${base}:idx:we`,
  /** Bumped on every endpoint change, so per-process endpoint caches know when to reload. */
  endpointsVersion: (base: string) => `${base}:we-version`,
  message: (base: string, id: string) => `${base}:msg:${id}`,
  messageAttempts: (base: string, id: string) => `${base}:msg:${id}:attempts`,
  messageBody: (base: string, id: string) => `${base}:msg:${id}:body`,
  /** The dedupe key of a request's result event: the ids of its messages (lua/lib.lua recordEvent). */
  resultEvent: (base: string, requestId: string) => `${base}:evt:result:${requestId}`,
  messageIndex: (base: string) => `${base}:idx:msg`,
  idempotency: (base: string, idemKey: string) => `${base}:idem:${idemKey}`,
  session: (base: string, id: string) => `${base}:cs:${id}`,
  /** Finished records by expiry time, naming the index entries to drop then (src/store/retention.ts). */
  expiry: (base: string) => `${base}:exp`,
};
