import { Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '../config/env.js';
import { QUEUE_NAMES, type QueueName } from '../queues/queue-names.js';

// Loaded on use: the service pulls in Fastify, BullMQ and more, which client commands (bulk) do not need.
const runService = async (...args: Parameters<typeof import('./run-service.js').runService>) => (await import('./run-service.js')).runService(...args);

const intArg = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
};

const shardList = (value: string): number[] => {
  const shards = value.split(',').map((s) => Number(s.trim()));
  if (shards.some((n) => !Number.isInteger(n) || n < 0)) throw new InvalidArgumentError('must be comma-separated shard numbers from 0, e.g. 0,2');
  return shards;
};

const queueList = (value: string): QueueName[] => {
  const names = value.split(',').map((s) => s.trim());
  const bad = names.filter((n) => !QUEUE_NAMES.includes(n as QueueName));
  if (bad.length) throw new InvalidArgumentError(`unknown queue(s) ${bad.join(', ')}; known: ${QUEUE_NAMES.join(', ')}`);
  return names as QueueName[];
};

export function buildProgram(): Command {
  const program = new Command('account-linker').description('Link many tenants\' SmartRecruiters accounts: API, workers and tools.');

  program
    .command('start')
    .description('API and workers in one process')
    .action(async () => {
      await runService({ api: true, workers: true });
    });

  program
    .command('api')
    .description('the HTTP API only (stateless; run as many as you like)')
    .action(async () => {
      await runService({ api: true, workers: false });
    });

  program
    .command('worker')
    .description('BullMQ workers only')
    .option('--queues <names>', `comma-separated queues (${QUEUE_NAMES.join(', ')})`, queueList)
    .option('--concurrency <n>', 'jobs in flight per queue (default LINKER_CONCURRENCY)', intArg)
    .option('--shards <list>', 'validate and deliver queue shards to serve, of 0..LINKER_QUEUE_SHARDS-1 (default all)', shardList)
    .option('--metrics-port <port>', 'serve Prometheus GET /metrics on this port (on LINKER_HOST)', intArg)
    .action(async (opts: { queues?: QueueName[]; concurrency?: number; shards?: number[]; metricsPort?: number }) => {
      await runService({ api: false, workers: true, queues: opts.queues, concurrency: opts.concurrency, shards: opts.shards, metricsPort: opts.metricsPort });
    });

  program
    .command('sim')
    .description('the SmartRecruiters simulator')
    .option('--port <port>', 'port to listen on', intArg, 4010)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--seed <file>', 'JSON seed file with key behaviours and knobs')
    .option('--latency <ms>', 'latency added to every answer', intArg)
    .option('--error-rate <p>', 'probability of a random 503', Number)
    .action(async (opts: { port: number; host: string; seed?: string; latency?: number; errorRate?: number }) => {
      const { runSimulatorCli } = await import('../sim/run-simulator-cli.js');
      await runSimulatorCli({ port: opts.port, host: opts.host, seedFile: opts.seed, latencyMs: opts.latency, errorRate: opts.errorRate });
    });

  program
    .command('bulk <file>')
    .description('link every tenant of a CSV (tenant_id,api_key[,metadata…]) or JSONL file; re-running resumes without duplicates')
    .option('--api <url>', 'API base URL', 'http://127.0.0.1:3000')
    .option('--token <token>', 'platform token (default: env LINKER_TOKEN)')
    .option('--wait', 'wait until every request is linked or failed, and write final statuses')
    .option('--out <file>', 'results CSV (default: the file name without its extension + .results.csv, in the current directory; tenants.csv → tenants.results.csv)')
    .option('--batch-size <n>', 'rows per bulk call, at most the API\'s LINKER_BULK_MAX_ITEMS', intArg, 1000)
    .option('--concurrency <n>', 'bulk calls in flight', intArg, 2)
    .option('--poll-interval <ms>', 'pause between batch polls with --wait', intArg, 1000)
    .action(async (file: string, opts: { api: string; token?: string; wait?: boolean; out?: string; batchSize: number; concurrency: number; pollInterval: number }) => {
      const { bulkAction } = await import('./bulk/bulk-action.js');
      await bulkAction(file, opts);
    });

  const platforms = program.command('platforms').description('manage platform tokens stored in Redis (changes reach every running process at once)');
  platforms
    .command('list')
    .description('every platform, where its token comes from, and how many tokens work')
    .action(async () => (await import('./platform-commands.js')).listPlatforms());
  platforms
    .command('add <id>')
    .description('create a platform and print its token once (only its hash is stored)')
    .action(async (id: string) => (await import('./platform-commands.js')).addPlatform(id));
  platforms
    .command('rotate <id>')
    .description('give a platform a new token, printed once; the old one stops working at once')
    .action(async (id: string) => (await import('./platform-commands.js')).rotatePlatform(id));
  platforms
    .command('revoke <id>')
    .description('stop every token of a platform at once (its data stays)')
    .action(async (id: string) => (await import('./platform-commands.js')).revokePlatform(id));

  program
    .command('demo')
    .description('the whole system on this machine: simulator, webhook receiver, API and workers; links tenants and prints a summary')
    .option('--tenants <n>', 'tenants to link', intArg, 300)
    .option('--keep', 'keep everything running after the summary (Ctrl-C stops it)', false)
    .option('--sim-port <port>', 'port of the SmartRecruiters simulator (default: LINKER_PORT + 1 when LINKER_PORT is set, else any free port)', intArg)
    .option('--receiver-port <port>', 'port of the webhook receiver (default: LINKER_PORT + 2 when LINKER_PORT is set, else any free port)', intArg)
    .addHelpText('after', '\nThe API listens on LINKER_PORT (default: any free port).')
    .action(async (opts: { tenants: number; keep: boolean; simPort?: number; receiverPort?: number }) => {
      const { runDemo } = await import('./demo/run-demo.js');
      process.exitCode = await runDemo({ tenants: opts.tenants, keep: opts.keep, ports: { sim: opts.simPort, receiver: opts.receiverPort } });
    });

  program
    .command('healthcheck')
    .description('exit 0 when Redis answers (container health check for worker processes)')
    .action(async () => {
      const { healthcheck } = await import('./healthcheck.js');
      process.exitCode = await healthcheck();
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`account-linker: ${error.message}`);
      process.exit(2);
    }
    console.error(`account-linker: ${(error as Error).message}`);
    process.exit(1);
  }
}
