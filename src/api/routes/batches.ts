import { defineRoute, type AnyRouteSpec } from '../route-kit.js';
import { problems } from '../errors.js';
import type { Runtime } from '../../runtime/runtime.js';
import { batchSchema } from '../../domain/schemas/batch.js';
import { idParams } from '../id-params.js';
import { batchWithProgress } from '../batch-progress.js';

export function batchRoutes(rt: Runtime): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/v1/batches/:id',
      summary: 'Live counts of a bulk submission by status and confirmation, its place in the queue and ETA',
      tag: 'batches',
      auth: 'platform',
      params: idParams('batch'),
      response: { status: 200, description: 'the batch', schema: batchSchema },
      errors: [404],
      handler: async ({ params, platformId }) => {
        const batch = await batchWithProgress(rt, platformId, params.id);
        if (!batch) throw problems.notFound('batch', params.id);
        return { body: batch };
      },
    }),
  ];
}
