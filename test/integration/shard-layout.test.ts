import { afterAll, beforeAll, expect, it } from 'vitest';
import { pino } from 'pino';
import { simKey } from '../../src/sim/index.js';
import { DATA_SHARDS } from '../../src/domain/shards.js';
import { checkShardLayout } from '../../src/store/shard-layout.js';
import { refuseUnsafeShardLayout } from '../../src/cli/shard-layout-check.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/** A deployment records its shard counts; a change that would strand work is refused, naming how to drain. */
let h: Harness;
const silent = pino({ level: 'silent' });

beforeAll(async () => {
  h = await startHarness('shard-layout', { workers: false });
});
afterAll(async () => h?.close());

const withQueueShards = (n: number) => ({ ...h.rt, env: { ...h.rt.env, LINKER_QUEUE_SHARDS: n } });

it('records the layout, refuses another queue-shard count while work is pending, and accepts it once drained', async () => {
  await refuseUnsafeShardLayout(h.rt, silent);
  await refuseUnsafeShardLayout(h.rt, silent);

  const res = await h.api('POST', '/v1/connect-requests', { body: { tenantId: 'layout-1', provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', 'layout-1') } } });
  expect(res.status).toBe(202);
  // The request is unfinished and its validate job waits in the recorded (single) queue shard.
  await expect(refuseUnsafeShardLayout(withQueueShards(4), silent)).rejects.toThrow(/LINKER_QUEUE_SHARDS=4, but 2 jobs and requests are still pending under LINKER_QUEUE_SHARDS=1\. Drain first/);

  // Nothing pending (as the stub says): the new count is recorded, and the old one is then the change.
  const prefix = h.rt.env.LINKER_REDIS_PREFIX;
  expect(await checkShardLayout(h.rt.redis, prefix, { dataShards: DATA_SHARDS, queueShards: 4 }, async () => 0)).toEqual({ result: 'changed', from: { dataShards: DATA_SHARDS, queueShards: 1 } });
  expect(await checkShardLayout(h.rt.redis, prefix, { dataShards: DATA_SHARDS, queueShards: 4 }, async () => 0)).toEqual({ result: 'same' });
});

it('always refuses another data-shard count: the records would not be found', async () => {
  const prefix = `${h.rt.env.LINKER_REDIS_PREFIX}-data`;
  expect(await checkShardLayout(h.rt.redis, prefix, { dataShards: DATA_SHARDS, queueShards: 1 }, async () => 0)).toEqual({ result: 'recorded' });
  await expect(checkShardLayout(h.rt.redis, prefix, { dataShards: 32, queueShards: 1 }, async () => 0)).rejects.toThrow(/written with 16 data shards; this release uses 32/);
  await h.rt.redis.del(`${prefix}:{global}:shard-layout`);
});

it("refuses to start over a platform's records in the single-tag layout of a release before the shards, and records nothing", async () => {
  const prefix = `${h.rt.env.LINKER_REDIS_PREFIX}-single-tag`;
  const rt = { ...h.rt, env: { ...h.rt.env, LINKER_REDIS_PREFIX: prefix } };
  // What such a release left: the account index under the platform's own hash tag.
  await h.rt.redis.zadd(`${prefix}:{acme}:idx:acc`, 0, 'acc_01old');
  await expect(refuseUnsafeShardLayout(rt, silent)).rejects.toThrow(/platform "acme" has records under LINKER_REDIS_PREFIX "[^"]+-single-tag" in the layout of a release before the data shards.*start this one on a new LINKER_REDIS_PREFIX/);
  expect(await h.rt.redis.exists(`${prefix}:{global}:shard-layout`)).toBe(0);
  await h.rt.redis.del(`${prefix}:{acme}:idx:acc`);
  await refuseUnsafeShardLayout(rt, silent);
  expect(await h.rt.redis.exists(`${prefix}:{global}:shard-layout`)).toBe(1);
  await h.rt.redis.del(`${prefix}:{global}:shard-layout`);
});
