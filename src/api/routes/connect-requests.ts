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
} from '../../domain/schemas/connect-request.js';
import { pageSchema } from '../../domain/schemas/common.js';
import { submitConnectRequests } from '../../services/submit-connect-requests.js';
import { firstPerTenant, newBatchId, submitBatch, type BatchItem } from '../../services/submit-batch.js';
import { parseOr400 } from '../validation.js';
import { ProblemError } from '../errors.js';
import { chargeBulkItems } from '../rate-limit.js';
import { admitPending } from '../admit-pending.js';
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
}).meta({ id: 'BulkResult' });
export type BulkResponse = z.infer<typeof bulkResponseSchema>;

export function connectRequestRoutes(rt: Runtime): AnyRouteSpec[] {
  const itemsOf = <T extends z.ZodType>(item: T) =>
    z
      .array(item)
      .min(1, 'items must hold at least one connect request')
      .max(rt.env.LINKER_BULK_MAX_ITEMS, `items holds at most ${rt.env.LINKER_BULK_MAX_ITEMS} connect requests per call; split larger sets`);
  // Items are checked one by one so one bad item never sinks the others; clients send ConnectRequestInput.
  const bulkBodySchema = z.strictObject({ items: itemsOf(z.unknown()) });
  const documentedBulkBody = z.strictObject({ items: itemsOf(connectRequestInputSchema) });

  return [
    defineRoute({
      method: 'POST',
      url: '/v1/connect-requests',
      summary: 'Link one tenant: the key is checked asynchronously',
      tag: 'connect requests',
      auth: 'platform',
      body: connectRequestInputSchema,
      idempotent: true,
      response: { status: 202, description: 'accepted and queued', schema: connectRequestSchema, headers: ['Location'] },
      errors: [409],
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
      documentedBody: documentedBulkBody,
      idempotent: true,
      response: { status: 202, description: 'the batch, with accepted and rejected items', schema: bulkResponseSchema, headers: ['Location'] },
      handler: ({ body, platformId, request }) =>
        withIdempotency(rt.idempotency, request, 'bulk', async (seed) => {
          const batchId = newBatchId(seed);
          const invalid: BulkResponse['rejected'] = [];
          const valid: BatchItem[] = [];
          body.items.forEach((raw, index) => {
            try {
              valid.push({ index, input: parseOr400(connectRequestInputSchema, raw, 'body') });
            } catch (error) {
              if (!(error instanceof ProblemError)) throw error;
              const detail = error.errors?.map((e) => `${e.path.replace(/^body/, `items[${index}]`)}: ${e.message}`).join('; ') ?? error.detail;
              invalid.push({ index, error: { code: 'invalid_input', message: detail } });
            }
          });
          const { unique, duplicates } = firstPerTenant(valid);
          await chargeBulkItems(rt, request, body.items.length);
          await admitPending(rt, platformId, unique.length);
          const { accepted, rejected: inFlight } = await submitBatch(rt, platformId, unique, { batchId, seed });
          const rejected: BulkResponse['rejected'] = [...invalid, ...duplicates, ...inFlight];
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
      errors: [404],
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
      handler: async ({ query, platformId }) => ({ body: await rt.requests.list(platformId, query) }),
    }),
  ];
}
