import type { FastifyInstance } from 'fastify';
import { ConfigError, loadEnv } from '../config/env.js';
import { productionProblems } from '../config/production-check.js';
import { createLogger } from '../observability/logger.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { buildApp } from '../api/app.js';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers.js';
import type { QueueName } from '../queues/queue-names.js';
import { ensureRedis } from './local-redis.js';
import { devEncryptionKey } from './dev-encryption-key.js';
import { onShutdown } from './on-shutdown.js';
import { warnUnlessNoEviction } from './redis-policy-check.js';
import { waitForRedis } from './wait-for-redis.js';
import { refuseUnsafeShardLayout } from './shard-layout-check.js';
import { startMetricsServer, type MetricsServer } from '../observability/metrics-server.js';

export interface ServiceOptions {
  api: boolean;
  workers: boolean;
  queues?: QueueName[];
  concurrency?: number;
  /** Validate queue shards the workers serve (default all). */
  shards?: number[];
  /** Without the API, serve GET /metrics on this port (0: any free one). Default: no metrics server. */
  metricsPort?: number;
  /** Variables that win over process.env (validated like it), e.g. the demo's own prefix and tokens. */
  env?: Record<string, string>;
  /** Stop gracefully on SIGINT/SIGTERM. Default true; a caller that owns more than the service handles signals itself. */
  handleSignals?: boolean;
}

export interface RunningService {
  runtime: Runtime;
  app?: FastifyInstance;
  workers?: RunningWorkers;
  url?: string;
  stop(): Promise<void>;
}

/** `account-linker start | api | worker`: one process, the parts it was asked for, stopped gracefully on a signal. */
export async function runService(options: ServiceOptions): Promise<RunningService> {
  const env = loadEnv({ ...process.env, ...options.env });
  if (env.NODE_ENV === 'production') {
    const problems = productionProblems(env, { api: options.api });
    if (problems.length > 0) throw new ConfigError(`refusing to start with NODE_ENV=production:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  const logger = createLogger(env.LINKER_LOG_LEVEL);
  const redis = await ensureRedis(env.REDIS_URL, env.LINKER_DATA_DIR, logger);
  const keys = env.LINKER_ENCRYPTION_KEYS ?? devEncryptionKey(env.LINKER_DATA_DIR, (m) => logger.warn(m));
  const runtime = createRuntime({ ...env, REDIS_URL: redis.url, LINKER_ENCRYPTION_KEYS: keys }, logger);
  await waitForRedis(runtime.redis, redis.url, logger);
  await warnUnlessNoEviction(runtime.redis, logger);
  await refuseUnsafeShardLayout(runtime, logger);

  const workers = options.workers ? startWorkers(runtime, { queues: options.queues, concurrency: options.concurrency, shards: options.shards }) : undefined;
  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (options.api) {
    app = await buildApp(runtime);
    url = await app.listen({ host: env.LINKER_HOST, port: env.LINKER_PORT });
    logger.info(`account-linker API listening on ${url} (docs: ${url}/docs)`);
    if ((await runtime.platforms.ids()).length === 0) {
      logger.warn('no platforms configured: every /v1 call will answer 401. Set LINKER_PLATFORMS=id:token,… or run: npx account-linker platforms add ID');
    }
  }
  let metricsServer: MetricsServer | undefined;
  if (!options.api && options.metricsPort !== undefined) {
    metricsServer = await startMetricsServer(runtime.metrics, env.LINKER_HOST, options.metricsPort);
    logger.info(`worker metrics listening on ${metricsServer.url}`);
  }
  if (workers) logger.info({ queues: workers.workers.map((w) => w.name) }, 'workers started');

  const stop = async () => {
    logger.info('shutting down: finishing in-flight requests and jobs');
    await app?.close();
    await workers?.close();
    await metricsServer?.close();
    await runtime.close();
    await redis.stop();
  };
  // The workers' drain is bounded by LINKER_SHUTDOWN_TIMEOUT; the margin covers closing the API and Redis.
  if (options.handleSignals ?? true) onShutdown(stop, env.LINKER_SHUTDOWN_TIMEOUT + 5000);
  return { runtime, app, workers, url, stop };
}
