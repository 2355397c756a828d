import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import { createRedis, DEFAULT_REDIS_URL, type RedisClient } from '../store/redis-client.js';
import { CredentialVault, parseVaultKeys } from '../crypto/vault.js';
import { ConnectRequestStore } from '../store/connect-request-store.js';
import { BatchStore } from '../store/batch-store.js';
import { AccountStore } from '../store/account-store.js';
import { WebhookEndpointStore } from '../store/webhook-endpoint-store.js';
import { WebhookMessageStore } from '../store/webhook-message-store.js';
import { IdempotencyStore } from '../store/idempotency-store.js';
import { PlatformStore, parsePlatformTokens } from '../store/platform-store.js';
import { Producers } from '../queues/producers.js';
import { EventPublisher } from '../webhooks/event-publisher.js';
import { createAddressPolicy, type AddressPolicy } from '../webhooks/address-policy.js';
import { systemLookup, type LookupAll } from '../webhooks/url-check.js';
import { Metrics } from '../observability/metrics.js';
import { ValidationPauseStore } from '../store/validation-pause.js';
import { DrainMeter } from '../store/drain-meter.js';
import { retentionOf } from '../store/retention.js';

/**
 * Everything the API and the workers share, built once per process from the validated
 * environment. Tests build one per test file with their own Redis prefix.
 */
export interface Runtime {
  env: Env;
  logger: Logger;
  redis: RedisClient;
  /**
   * BullMQ's own connection (queues and workers). Kept apart from `redis` because BullMQ defines
   * ~40 Lua commands on its client and ioredis copies every defined command into each pipeline it
   * builds, which made each store pipeline several times dearer (see docs/performance.md).
   */
  queueRedis: RedisClient;
  vault: CredentialVault;
  requests: ConnectRequestStore;
  batches: BatchStore;
  accounts: AccountStore;
  endpoints: WebhookEndpointStore;
  messages: WebhookMessageStore;
  idempotency: IdempotencyStore;
  platforms: PlatformStore;
  /** The provider breaker's pause, as the API and /metrics show it. */
  validationPause: ValidationPauseStore;
  /** Requests validation finishes per second, for ETAs. */
  drain: DrainMeter;
  producers: Producers;
  publisher: EventPublisher;
  addressPolicy: AddressPolicy;
  /** Resolves webhook hosts, at registration and again at connect time; tests swap it to play a DNS change. */
  webhookLookup: LookupAll;
  metrics: Metrics;
  close(): Promise<void>;
}

export function createRuntime(env: Env, logger: Logger): Runtime {
  if (!env.LINKER_ENCRYPTION_KEYS) {
    throw new Error('LINKER_ENCRYPTION_KEYS is not set: give at least one key as "kid:base64key" (make one with: openssl rand -base64 32)');
  }
  const prefix = env.LINKER_REDIS_PREFIX;
  const retention = retentionOf(env);
  const redis = createRedis(env.REDIS_URL ?? DEFAULT_REDIS_URL, { enableAutoPipelining: true });
  const queueRedis = createRedis(env.REDIS_URL ?? DEFAULT_REDIS_URL);
  const vault = new CredentialVault(parseVaultKeys(env.LINKER_ENCRYPTION_KEYS));
  const endpoints = new WebhookEndpointStore(redis, prefix, vault);
  const messages = new WebhookMessageStore(redis, prefix, retention);
  const platforms = new PlatformStore(redis, prefix, parsePlatformTokens(env.LINKER_PLATFORMS));
  const producers = new Producers(queueRedis, {
    prefix,
    queueShards: env.LINKER_QUEUE_SHARDS,
    platformWeights: env.LINKER_PLATFORM_WEIGHTS,
    validationAttempts: env.LINKER_VALIDATION_ATTEMPTS,
  });
  const validationPause = new ValidationPauseStore(redis, prefix);
  const metrics = new Metrics(async () => (await validationPause.get()) !== null);
  return {
    env,
    logger,
    redis,
    queueRedis,
    vault,
    requests: new ConnectRequestStore(redis, prefix, retention),
    batches: new BatchStore(redis, prefix),
    accounts: new AccountStore(redis, prefix, retention),
    endpoints,
    messages,
    idempotency: new IdempotencyStore(redis, prefix, {
      leaseSeconds: Math.max(1, Math.ceil(env.LINKER_IDEMPOTENCY_LEASE / 1000)),
      // A replay names the records the first call made: it is never kept past them.
      ttlSeconds: Math.min(24 * 3600, Math.ceil(env.LINKER_RETENTION / 1000)),
    }),
    platforms,
    validationPause,
    drain: new DrainMeter(redis, prefix),
    producers,
    publisher: new EventPublisher(endpoints, messages, producers),
    addressPolicy: createAddressPolicy(env.LINKER_WEBHOOK_ALLOWED_NETS),
    webhookLookup: systemLookup,
    metrics,
    async close() {
      await producers.close();
      await platforms.close();
      await Promise.all([redis, queueRedis].map((r) => r.quit().catch(() => r.disconnect())));
    },
  };
}
