import { defineRoute, type AnyRouteSpec } from '../route-kit.js';
import { problems } from '../errors.js';
import type { Runtime } from '../../runtime/runtime.js';
import { batchSchema } from '../../domain/schemas/batch.js';
import { idParams } from '../id-params.js';

export function batchRoutes(rt: Runtime): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/v1/batches/:id',
      summary: 'Live counts of a bulk submission by status and confirmation',
      tag: 'batches',
      auth: 'platform',
      params: idParams('batch'),
      response: { status: 200, description: 'the batch', schema: batchSchema },
      errors: [401, 404],
      handler: async ({ params, platformId }) => {
        const batch = await rt.batches.get(platformId, params.id);
        if (!batch) throw problems.notFound('batch', params.id);
        return { body: batch };
      },
    }),
  ];
}
