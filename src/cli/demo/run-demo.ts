import { randomBytes } from 'node:crypto';
import { SingleBar, Presets } from 'cli-progress';
import { generateVaultKeySpec } from '../../crypto/vault.js';
import { deleteByPrefix } from '../../store/delete-prefix.js';
import { startSimulator } from '../../sim/index.js';
import { runService, type RunningService } from '../run-service.js';
import { onShutdown } from '../on-shutdown.js';
import { startWebhookReceiver } from './webhook-receiver.js';
import { createLinkerClient, unwrap } from '../../client/index.js';
import { bulkLink, listBatchRequests, waitForBatches } from './bulk-link.js';
import { expectedOutcomes, KEY_KINDS, tenantMix } from './tenant-mix.js';
import { demoSucceeded, formatSummary, lacksApiAccess, type DemoReport } from './summary.js';

export interface DemoOptions {
  /** Tenants to link. Default 300. */
  tenants?: number;
  /** Keep everything running after the summary, until Ctrl-C. Default false. */
  keep?: boolean;
  /** Where progress and the summary go. Default stdout. */
  out?: NodeJS.WritableStream;
  /** Ports of the API, the simulator and the webhook receiver. Default from LINKER_PORT (see demoPorts). */
  ports?: Partial<DemoPorts>;
}

export interface DemoPorts {
  api: number;
  sim: number;
  receiver: number;
}

/**
 * With LINKER_PORT set the demo is reachable at known addresses: the API on it, the simulator on
 * the next port and the receiver on the one after. Without it every part takes a free port.
 */
export function demoPorts(env: NodeJS.ProcessEnv = process.env, given: Partial<DemoPorts> = {}): DemoPorts {
  const base = Number(env.LINKER_PORT ?? 0);
  const next = (offset: number) => (base > 0 ? base + offset : 0);
  return { api: given.api ?? base, sim: given.sim ?? next(1), receiver: given.receiver ?? next(2) };
}

/** Demo data lives under its own prefix (`al-demo` by default), so it never mixes with a real installation's keys. */
export const demoPrefix = (env: NodeJS.ProcessEnv = process.env) => `${env.LINKER_REDIS_PREFIX || 'al'}-demo`;
const PLATFORM = 'demo';

/**
 * `account-linker demo`: the SmartRecruiters simulator, a webhook receiver that verifies signatures,
 * and the service (API + workers in this process) on loopback; links a mix of good, wrong,
 * forbidden and flaky keys in bulk, waits until every result is confirmed, prints a summary.
 * Resolves with the process exit code.
 */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const { tenants: count = 300, keep = false, out = process.stdout } = options;
  const ports = demoPorts(process.env, options.ports);
  const say = (line: string) => out.write(`${line}\n`);
  const platformToken = `demo-${randomBytes(16).toString('hex')}`;
  const adminToken = `admin-${randomBytes(16).toString('hex')}`;
  const prefix = demoPrefix();

  say('starting: SmartRecruiters simulator, webhook receiver, account-linker API and workers…');
  const [sim, receiver] = await Promise.all([startSimulator({ port: ports.sim }), startWebhookReceiver({ port: ports.receiver })]);
  let service: RunningService | undefined;
  const stopAll = async () => {
    await service?.stop();
    await Promise.all([sim.close(), receiver.close()]);
  };
  try {
    service = await runService({
      api: true,
      workers: true,
      handleSignals: false,
      env: {
        LINKER_REDIS_PREFIX: prefix,
        LINKER_PORT: String(ports.api),
        LINKER_PLATFORMS: `${PLATFORM}:${platformToken}`,
        LINKER_ADMIN_TOKEN: adminToken,
        LINKER_ENCRYPTION_KEYS: generateVaultKeySpec('demo'),
        SMARTRECRUITERS_BASE_URL: sim.url,
        LINKER_WEBHOOK_ALLOWED_NETS: '127.0.0.0/8',
        LINKER_BACKOFF_BASE: '250ms',
        LINKER_LOG_LEVEL: process.env.LINKER_LOG_LEVEL ?? 'warn',
      },
    });
    // The previous demo's data stays for a look with redis-cli until now; it must not count in this run.
    await deleteByPrefix(service.runtime.redis, prefix);

    const client = createLinkerClient({ baseUrl: service.url!, token: platformToken });
    const endpoint = unwrap(await client.api.POST('/v1/webhook-endpoints', { body: { url: receiver.url, description: 'demo receiver' } }));
    receiver.setSecret(endpoint.secret);

    const plan = tenantMix(count, `demo-${Date.now().toString(36)}`);
    say(`linking ${count} tenants in bulk: 6 in 10 valid keys; the rest wrong, forbidden, without API access, or flaky…`);
    say(`(demo data goes under the Redis prefix "${prefix}" and stays there until the next demo)`);
    const started = Date.now();
    const submitted = await bulkLink([client], plan, 100);
    const bar = (out as NodeJS.WriteStream).isTTY ? new SingleBar({ format: '  {bar} {value}/{total} final and confirmed', stream: out as NodeJS.WriteStream }, Presets.shades_classic) : undefined;
    bar?.start(submitted.requestIds.size, 0);
    const batches = await waitForBatches(client, submitted.batchIds, { onProgress: (done) => bar?.update(done) });
    bar?.stop();
    const elapsedMs = Date.now() - started;

    const requests = (await Promise.all(submitted.batchIds.map((id) => listBatchRequests(client, id)))).flat();
    const outcomes: Record<string, number> = {};
    for (const r of requests) {
      const key = r.error ? `failed:${r.error.code}` : r.status;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    const sum = (pick: (b: (typeof batches)[number]) => number) => batches.reduce((s, b) => s + pick(b), 0);
    const report: DemoReport = {
      tenants: count,
      elapsedMs,
      outcomes,
      expected: expectedOutcomes(plan),
      retried: requests.filter((r) => r.status === 'linked' && r.attempts.length > 1).length,
      noApiAccess: requests.filter(lacksApiAccess).length,
      expectedNoApiAccess: plan.filter((t) => t.kind === KEY_KINDS.nofeature).length,
      confirmation: {
        confirmed: sum((b) => b.confirmation.confirmed),
        unconfirmed: sum((b) => b.confirmation.unconfirmed),
        pending: sum((b) => b.confirmation.pending),
        not_required: sum((b) => b.confirmation.not_required),
      },
      webhooks: { verified: receiver.events.size, rejected: receiver.rejected, deliveries: receiver.deliveries },
      providerCalls: sim.stats().requests,
      apiUrl: service.url!,
      simUrl: sim.url,
      receiverUrl: receiver.url,
      platformToken,
      adminToken,
      batchIds: submitted.batchIds,
      keep,
    };
    // Ctrl-C is taken over before the summary says it stops the demo, so one right after it stops cleanly.
    const interrupted = keep ? new Promise<void>((resolve) => onShutdown(async () => resolve())) : undefined;
    say(formatSummary(report));
    await interrupted;
    return demoSucceeded(report) ? 0 : 1;
  } finally {
    await stopAll();
  }
}
