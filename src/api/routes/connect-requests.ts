import { z } from 'zod';
import { defineRoute, type AnyRouteSpec } from '../route-kit.js';
import { problems } from '../errors.js';
import { withIdempotency } from '../idempotency.js';
import { queuedRequestView } from '../../store/connect-request-store.js';
import type { Runtime } from '../../runtime/runtime.js';
import {
  connectRequestInputSchema,
  connectRequestListQuerySchema,
  connectRequestSchema,
  type ConnectRequestInput,
} from '../../domain/schemas/connect-request.js';
import { pageSchema } from '../../domain/schemas/common.js';
import { newId, seededId } from '../../domain/ids.js';
import { submitConnectRequests } from '../submit-connect-requests.js';
import { parseOr400 } from '../validation.js';
import { ProblemError } from '../errors.js';
import { idParams } from '../id-params.js';

const bulkItemErrorSchema = z.object({
  index: z.number().int(),
  error: z.object({
    code: z.enum(['invalid_input', 'duplicate_in_batch', 'in_flight']),
    message: z.string(),
    inFlightId: z.string().optional(),
  }),
});

export const bulkResponseSchema = z.object({
  batchId: z.string(),
  accepted: z.array(z.object({ index: z.number().int(), id: z.string() })),
  rejected: z.array(bulkItemErrorSchema),
});
export type BulkResponse = z.infer<typeof bulkResponseSchema>;

export function connectRequestRoutes(rt: Runtime): AnyRouteSpec[] {
  const bulkBodySchema = z.strictObject({
    items: z
      .array(z.unknown())
      .min(1, 'items must hold at least one connect request')
      .max(rt.env.LINKER_BULK_MAX_ITEMS, `items holds at most ${rt.env.LINKER_BULK_MAX_ITEMS} connect requests per call; split larger sets`),
  });

  return [
    defineRoute({
      method: 'POST',
      url: '/v1/connect-requests',
      summary: 'Link one tenant: the key is checked asynchronously',
      tag: 'connect requests',
      auth: 'platform',
      body: connectRequestInputSchema,
      headers: { 'idempotency-key': 'optional; a replay returns the first response' },
      response: { status: 202, description: 'accepted and queued', schema: connectRequestSchema },
      errors: [400, 401, 409, 413, 415, 422, 429],
      handler: ({ body, platformId, request }) =>
        withIdempotency(rt.idempotency, request, 'connect-request', async (seed) => {
          const now = new Date();
          const [result] = await submitConnectRequests(rt, platformId, [body], { seed, now });
          if (!result?.id) throw problems.inFlight(body.tenantId, result && 'inFlightId' in result ? result.inFlightId : '');
          // Without an Idempotency-Key the id is new, so this call wrote the request; a retry under a
          // key may have found it stored by an earlier try, and reads what is there.
          const view = seed ? await rt.requests.get(platformId, result.id) : queuedRequestView({ ...body, id: result.id }, now);
          return { status: 202, body: view, headers: { location: `/v1/connect-requests/${result.id}` } };
        }),
    }),

    defineRoute({
      method: 'POST',
      url: '/v1/connect-requests/bulk',
      summary: 'Link many tenants in one call; each item is accepted or rejected on its own',
      tag: 'connect requests',
      auth: 'platform',
      body: bulkBodySchema,
      headers: { 'idempotency-key': 'optional; a replay returns the first response' },
      response: { status: 202, description: 'the batch, with accepted and rejected items', schema: bulkResponseSchema },
      errors: [400, 401, 413, 415, 422, 429],
      handler: ({ body, platformId, request }) =>
        withIdempotency(rt.idempotency, request, 'bulk', async (seed) => {
          const batchId = seed ? seededId('batch', seed, 0) : newId('batch');
          const rejected: BulkResponse['rejected'] = [];
          const valid: { index: number; input: ConnectRequestInput }[] = [];
          const seen = new Set<string>();
          body.items.forEach((raw, index) => {
            try {
              const input = parseOr400(connectRequestInputSchema, raw, 'body');
              const tenantKey = `${input.provider}/${input.tenantId}`;
              if (seen.has(tenantKey)) {
                rejected.push({ index, error: { code: 'duplicate_in_batch', message: `tenant "${input.tenantId}" appears earlier in this batch; only the first is accepted` } });
                return;
              }
              seen.add(tenantKey);
              valid.push({ index, input });
            } catch (error) {
              if (!(error instanceof ProblemError)) throw error;
              const detail = error.errors?.map((e) => `${e.path.replace(/^body/, `items[${index}]`)}: ${e.message}`).join('; ') ?? error.detail;
              rejected.push({ index, error: { code: 'invalid_input', message: detail } });
            }
          });
          // Called even with nothing valid, so the batch exists (total 0) for the id we return.
          const results = await submitConnectRequests(rt, platformId, valid.map((v) => v.input), { batchId, seed });
          const accepted: BulkResponse['accepted'] = [];
          results.forEach((result, i) => {
            const { index, input } = valid[i]!;
            if (result.id !== undefined) accepted.push({ index, id: result.id });
            else rejected.push({ index, error: { code: 'in_flight', message: `tenant "${input.tenantId}" already has connect request ${result.inFlightId} in flight`, inFlightId: result.inFlightId } });
          });
          rejected.sort((a, b) => a.index - b.index);
          return { status: 202, body: { batchId, accepted, rejected }, headers: { location: `/v1/batches/${batchId}` } };
        }),
    }),

    defineRoute({
      method: 'GET',
      url: '/v1/connect-requests/:id',
      summary: 'One connect request with its attempts',
      tag: 'connect requests',
      auth: 'platform',
      params: idParams('connectRequest'),
      response: { status: 200, description: 'the request', schema: connectRequestSchema },
      errors: [401, 404],
      handler: async ({ params, platformId }) => {
        const request = await rt.requests.get(platformId, params.id);
        if (!request) throw problems.notFound('connect request', params.id);
        return { body: request };
      },
    }),

    defineRoute({
      method: 'GET',
      url: '/v1/connect-requests',
      summary: 'List connect requests, newest first',
      tag: 'connect requests',
      auth: 'platform',
      query: connectRequestListQuerySchema,
      response: { status: 200, description: 'a page; pass nextCursor as cursor for the next', schema: pageSchema(connectRequestSchema) },
      errors: [400, 401],
      handler: async ({ query, platformId }) => ({ body: await rt.requests.list(platformId, query) }),
    }),
  ];
}
