import type { FastifyInstance } from 'fastify';
import { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Runtime } from '../runtime/runtime.js';
import { QUEUE_NAMES } from '../queues/queue-names.js';
import { queuePrefix } from '../store/keys.js';
import { createBaseApp } from './base-app.js';

/** bull-board for every queue at `basePath`, as an app of its own; closing it closes its queues. */
export async function buildQueuesBoard(rt: Runtime, basePath: string): Promise<FastifyInstance> {
  const queues = QUEUE_NAMES.map((name) => new Queue(name, { connection: rt.queueRedis, prefix: queuePrefix(rt.env.LINKER_REDIS_PREFIX) }));
  const board = new FastifyAdapter();
  // @bull-board/fastify pins its own copy of @bull-board/api (9.10.1 vs 9.10.2): same shape, separate declarations.
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'] });
  board.setBasePath(basePath);

  const app = createBaseApp(rt, { requestLogging: false });
  app.addHook('onClose', async () => {
    await Promise.all(queues.map((q) => q.close()));
  });
  await app.register(board.registerPlugin(), { prefix: basePath });
  return app;
}
