import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { shardOfId } from '../../src/domain/shards.js';
import { queueShardOf } from '../../src/queues/queue-shards.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { messagesOf, registerEndpoint, submitLink, waitForConfirmation } from '../helpers/webhook-api.js';

const SHARDS = 3;
let h: Harness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  h = await startHarness('deliver-queue-shards', { env: { LINKER_QUEUE_SHARDS: String(SHARDS) } });
  receiver = await startWebhookReceiver();
  receiver.queue({ status: 500 });
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

describe('deliver queue shards', () => {
  it('every job of a message, first attempt and hand-off alike, runs in the shard of the data shard its id names', async () => {
    await registerEndpoint(h, receiver.url);
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push(await submitLink(h, `tenant-shard-${i}`, simKey('valid', `deliver-queue-shards-${i}`)));
    for (const id of ids) await waitForConfirmation(h, id, 'confirmed');

    const messages = (await Promise.all(ids.map((id) => messagesOf(h, id)))).flat();
    const used = new Set<number>();
    for (const message of messages) {
      const shard = queueShardOf(shardOfId(message.id), SHARDS);
      used.add(shard);
      const jobs = await h.rt.producers.deliver.shards[shard]!.getJobs(['completed']);
      const own = jobs.filter((job) => (job.data.kind === 'batch' ? job.data.ids.includes(message.id) : job.data.id === message.id));
      // The first attempt's batch, plus the retry's `one` job for the message the receiver failed once.
      expect(own.map((job) => job.data.kind).sort()).toEqual(message.attempts.length === 2 ? ['batch', 'one'] : ['batch']);
    }
    expect(messages.filter((m) => m.attempts.length === 2)).toHaveLength(1);
    expect(used.size).toBeGreaterThan(1);

    // The prefix scan behind Redis dumps and clean-up finds every queue shard's keys.
    const dumped = (await h.dumpRedis()).split('\n').map((line) => line.split(' ')[0]!);
    for (const shard of used) {
      const { prefix } = h.rt.producers.deliver.shards[shard]!.opts;
      expect(dumped.some((k) => k.startsWith(`${prefix}:deliver:`)), `keys under ${prefix}`).toBe(true);
    }
  });
});
