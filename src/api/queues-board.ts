import type { FastifyInstance } from 'fastify';
import { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Runtime } from '../runtime/runtime.js';
import { QUEUE } from '../queues/queue-names.js';
import { queueShardPrefixes } from '../queues/queue-shards.js';
import { queuePrefix } from '../store/keys.js';
import { createBaseApp } from './base-app.js';

/** bull-board for every queue at `basePath`, as an app of its own; closing it closes its queues. */
export async function buildQueuesBoard(rt: Runtime, basePath: string): Promise<FastifyInstance> {
  const { LINKER_REDIS_PREFIX: prefix, LINKER_QUEUE_SHARDS: shards } = rt.env;
  // Every validate and deliver queue shard, named apart on the board when there are several.
  const queues = [
    ...[QUEUE.validate, QUEUE.deliver].flatMap((name) => queueShardPrefixes(prefix, shards).map((shardPrefix) => new Queue(name, { connection: rt.queueRedis, prefix: shardPrefix }))),
    new Queue(QUEUE.revalidate, { connection: rt.queueRedis, prefix: queuePrefix(prefix) }),
  ];
  const board = new FastifyAdapter();
  // @bull-board/fastify pins its own copy of @bull-board/api (9.10.1 vs 9.10.2): same shape, separate declarations.
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { prefix: q.name !== QUEUE.revalidate && shards > 1 ? q.opts.prefix! : '' })), serverAdapter: board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'] });
  board.setBasePath(basePath);

  const app = createBaseApp(rt, { requestLogging: false });
  app.addHook('onClose', async () => {
    await Promise.all(queues.map((q) => q.close()));
  });
  await app.register(board.registerPlugin(), { prefix: basePath });
  return app;
}
