/**
 * The baseline: the least a BullMQ pipeline must do per tenant, run as its own process like the
 * service. addBulk one job per tenant; each job GETs the simulator and POSTs the receiver through an
 * undici Pool. No state, no signing, no encryption. Prints one JSON line {elapsedMs} and exits.
 *
 * argv[2]: JSON {redisUrl, prefix, simUrl, receiverUrl, n, concurrency, tag}.
 */
import { Queue, Worker } from 'bullmq';
import { Pool } from 'undici';
import { createRedis } from '../src/store/redis-client.js';
import { simKey } from '../src/sim/index.js';
import { deleteKeys } from './redis-cleanup.js';
import type { BaselineOptions } from './run-baseline.js';

const args = JSON.parse(process.argv[2]!) as BaselineOptions;
const connection = createRedis(args.redisUrl);
const prefix = `{${args.prefix}:q}`;
const sim = new Pool(args.simUrl, { connections: args.concurrency });
const receiverUrl = new URL(args.receiverUrl);
const receiver = new Pool(receiverUrl.origin, { connections: args.concurrency });

const queue = new Queue<{ id: string; apiKey: string }>('baseline', { connection, prefix });
let done = 0;
let finish: () => void;
const allDone = new Promise<void>((resolve) => (finish = resolve));

const worker = new Worker<{ id: string; apiKey: string }>(
  'baseline',
  async (job) => {
    const res = await sim.request({ method: 'GET', path: '/configuration/company', headers: { 'x-smarttoken': job.data.apiKey } });
    const company = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`simulator answered ${res.statusCode}`);
    const hook = await receiver.request({
      method: 'POST',
      path: receiverUrl.pathname,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: job.data.id, company }),
    });
    await hook.body.dump();
    if (hook.statusCode >= 300) throw new Error(`receiver answered ${hook.statusCode}`);
  },
  { connection, prefix, concurrency: args.concurrency },
);
worker.on('completed', () => {
  if (++done === args.n) finish();
});
worker.on('failed', (_job, err) => console.error(`baseline job failed: ${err.message}`));

const started = Date.now();
for (let from = 0; from < args.n; from += 1000) {
  const jobs = [];
  for (let i = from; i < Math.min(args.n, from + 1000); i++) {
    const id = `${args.tag}-${i}`;
    jobs.push({ name: 'link', data: { id, apiKey: simKey('valid', id) }, opts: { jobId: id, removeOnComplete: true } });
  }
  await queue.addBulk(jobs);
}
await allDone;
const elapsedMs = Date.now() - started;

await worker.close();
await queue.close();
await Promise.all([sim.close(), receiver.close()]);
await deleteKeys(connection, `${prefix}:*`);
await connection.quit();
console.log(JSON.stringify({ elapsedMs }));
