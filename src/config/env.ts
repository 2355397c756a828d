import { z } from 'zod';
import { parseDuration, parseDurationList } from './duration.js';

/**
 * Delays before each webhook retry (DESIGN §5). The first attempt is always immediate, so the
 * default means: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts.
 */
export const DEFAULT_WEBHOOK_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';

const duration = (name: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a duration like 500ms, 30s, 5m, 24h or 30d` });
        return z.NEVER;
      }
      return ms;
    });

const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((value, ctx) => {
      const n = Number(value);
      if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const csv = z
  .string()
  .default('')
  .transform((value) => value.split(',').map((s) => s.trim()).filter(Boolean));

/**
 * Every environment variable the service reads, with its default. Parsed once at start so a bad
 * value stops the process with a message naming the variable instead of failing later.
 */
export const envSchema = z.object({
  /** `production` refuses development shortcuts at start (see production-check.ts) and http loopback origins for embedding the Hub. */
  NODE_ENV: z.string().optional(),
  /** `redis://…`, `rediss://…`, or `redis+cluster://host1:port1,host2:port2` for a Redis Cluster. */
  REDIS_URL: z
    .string()
    .refine(
      (value) => (value.startsWith('redis+cluster://') ? /^redis\+cluster:\/\/[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/.test(value) : URL.canParse(value) && /^rediss?:$/.test(new URL(value).protocol)),
      'must be redis://[user:password@]host:port[/db], rediss://… or redis+cluster://host1:port1,host2:port2',
    )
    .optional(),
  LINKER_HOST: z.string().min(1).default('127.0.0.1'),
  LINKER_PORT: integer(0, 65535, 3000),
  /** Prefix of every Redis key; braces make it a Redis Cluster hash tag for the queues. */
  LINKER_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,40}$/, 'letters, digits, "_", ".", ":" or "-", at most 40 characters')
    .default('al'),
  /** `kid:base64key,…`; the first encrypts, all decrypt. */
  LINKER_ENCRYPTION_KEYS: z.string().optional(),
  /** `id:token,…` */
  LINKER_PLATFORMS: z.string().default(''),
  /** Guards /admin; long enough that guessing it is hopeless (sign-in attempts are throttled too). */
  LINKER_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters; make one with: openssl rand -hex 24').optional(),
  /** Failed sign-ins (platform token, admin token, unknown Hub session) per client IP per LINKER_SIGN_IN_WINDOW before 429. */
  LINKER_SIGN_IN_FAILURES: integer(1, 1_000_000, 20),
  LINKER_SIGN_IN_WINDOW: duration('LINKER_SIGN_IN_WINDOW', '15m'),
  /**
   * Proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For names the client, e.g. the
   * TLS proxy in front of the API. Without it every client behind a proxy is the proxy's address,
   * for the sign-in throttle too.
   */
  LINKER_TRUSTED_PROXIES: csv,
  SMARTRECRUITERS_BASE_URL: z.string().url().default('https://api.smartrecruiters.com'),
  LINKER_WEBHOOK_ALLOWED_NETS: csv,
  LINKER_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default(DEFAULT_WEBHOOK_SCHEDULE)
    .transform((value, ctx) => {
      const list = parseDurationList(value);
      if (!list || list.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of durations like 0ms,5s,5m' });
        return z.NEVER;
      }
      return list;
    }),
  /** One deadline per delivery attempt, over connect, headers and body together. */
  LINKER_WEBHOOK_TIMEOUT: duration('LINKER_WEBHOOK_TIMEOUT', '15s'),
  /**
   * Deliveries in flight to one endpoint per worker process: a slow receiver holds at most this
   * many of the LINKER_CONCURRENCY deliver slots; more wait their turn without spending an attempt.
   */
  LINKER_WEBHOOK_ENDPOINT_CONCURRENCY: integer(1, 1000, 10),
  LINKER_VALIDATION_ATTEMPTS: integer(1, 50, 8),
  /**
   * Budget of one validation, from its first provider call: its own attempts and its retry and 429
   * waits count; time queued or paused by the provider breaker does not.
   */
  LINKER_VALIDATION_DEADLINE: duration('LINKER_VALIDATION_DEADLINE', '15m'),
  /** `platformId:weight,…`: share of validation a platform gets while several have backlogs (default 1 each). */
  LINKER_PLATFORM_WEIGHTS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const weights = new Map<string, number>();
      for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
        const match = /^([^:\s]+):(\d{1,4})$/.exec(entry);
        if (!match || Number(match[2]) < 1) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not platformId:weight with a whole weight from 1 to 9999` });
          return z.NEVER;
        }
        weights.set(match[1]!, Number(match[2]));
      }
      return weights;
    }),
  /** Requests of one platform not yet final; past it a bulk call is refused with 429. */
  LINKER_MAX_PENDING_PER_PLATFORM: integer(1, 1_000_000_000, 1_000_000),
  LINKER_PROVIDER_TIMEOUT: duration('LINKER_PROVIDER_TIMEOUT', '10s'),
  /** First retry delay; later ones double, with full jitter, up to LINKER_BACKOFF_MAX. */
  LINKER_BACKOFF_BASE: duration('LINKER_BACKOFF_BASE', '1s'),
  LINKER_BACKOFF_MAX: duration('LINKER_BACKOFF_MAX', '5m'),
  LINKER_CONCURRENCY: integer(1, 1000, 50),
  /** BullMQ queues per kind of work (validate, deliver), each under its own cluster hash tag (src/queues/queue-shards.ts). */
  LINKER_QUEUE_SHARDS: integer(1, 16, 1),
  /** How long a worker may be silent before its job counts as stalled and is handed to another. */
  LINKER_LOCK_DURATION: duration('LINKER_LOCK_DURATION', '30s'),
  LINKER_SHUTDOWN_TIMEOUT: duration('LINKER_SHUTDOWN_TIMEOUT', '25s'),
  /** Consecutive provider-unavailable outcomes (from ≥ 3 tenants) that pause validation for everyone; 0 turns the breaker off. */
  LINKER_BREAKER_THRESHOLD: integer(0, 10000, 10),
  /** The run of failures must fall within this window. */
  LINKER_BREAKER_WINDOW: duration('LINKER_BREAKER_WINDOW', '60s'),
  /** How long validation stays paused before one probe call tests the provider again. */
  LINKER_BREAKER_COOLDOWN: duration('LINKER_BREAKER_COOLDOWN', '30s'),
  LINKER_BULK_MAX_ITEMS: integer(1, 10000, 1000),
  /** How long an unfinished Idempotency-Key call holds its key (a crashed API releases it after this). */
  LINKER_IDEMPOTENCY_LEASE: duration('LINKER_IDEMPOTENCY_LEASE', '30s'),
  LINKER_BODY_LIMIT_BYTES: integer(1024, 50 * 1024 * 1024, 2 * 1024 * 1024),
  LINKER_RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000, 6000),
  LINKER_REVALIDATE_INTERVAL: duration('LINKER_REVALIDATE_INTERVAL', '24h'),
  /** Ceiling on re-validation calls to the provider, all worker processes together, per second. */
  LINKER_REVALIDATE_RATE: integer(1, 100_000, 5),
  LINKER_DATA_DIR: z.string().default('.data'),
  LINKER_PUBLIC_URL: z.string().url().optional(),
  /** How long a Connect Hub link works before it must be asked for again. */
  LINKER_CONNECT_SESSION_TTL: duration('LINKER_CONNECT_SESSION_TTL', '30m'),
  /**
   * How long finished connect requests (with their attempts and result event), delivered or finally
   * failed webhook messages, finished batches, expired connect sessions and revoked accounts are kept.
   */
  LINKER_RETENTION: duration('LINKER_RETENTION', '30d').refine((ms) => ms >= 1000, 'LINKER_RETENTION must be at least 1s'),
  /** History entries kept per account, newest last; older ones are dropped as new ones come. */
  LINKER_ACCOUNT_HISTORY: integer(1, 10_000, 50),
  /** Webhook endpoints one platform may have at once. */
  LINKER_MAX_ENDPOINTS_PER_PLATFORM: integer(1, 1000, 10),
  LINKER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.output<typeof envSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates `source` (default process.env); throws a ConfigError naming each bad variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const known = Object.fromEntries(
    Object.keys(envSchema.shape)
      .filter((key) => source[key] !== undefined && source[key] !== '')
      .map((key) => [key, source[key]]),
  );
  const parsed = envSchema.safeParse(known);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}
