import { defineRoute, type AnyRouteSpec } from '../route-kit.js';
import { problems } from '../errors.js';
import type { Runtime } from '../../runtime/runtime.js';
import {
  redeliverMessagesInputSchema,
  redeliverMessagesResultSchema,
  webhookMessageListQuerySchema,
  webhookMessageSchema,
  type REDELIVER_SKIP_REASONS,
} from '../../domain/schemas/webhook.js';
import { redeliverMessage } from '../../services/redeliver-message.js';
import { pageSchema } from '../../domain/schemas/common.js';
import type { StoredMessage } from '../../store/webhook-message-store.js';
import { idParams } from '../id-params.js';

const publicView = (message: StoredMessage) => webhookMessageSchema.parse(message);

export function webhookMessageRoutes(rt: Runtime): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/v1/webhook-messages',
      summary: 'Delivery log: every message with each attempt, newest first; filters narrow it (a filtered page may be short while nextCursor is set)',
      tag: 'webhooks',
      auth: 'platform',
      query: webhookMessageListQuerySchema,
      response: { status: 200, description: 'a page of messages', schema: pageSchema(webhookMessageSchema) },
      handler: async ({ query, platformId }) => {
        const page = await rt.messages.list(platformId, query);
        return { body: { data: page.data.map(publicView), nextCursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/webhook-messages/:id',
      summary: 'One message with its delivery attempts',
      tag: 'webhooks',
      auth: 'platform',
      params: idParams('webhookMessage'),
      response: { status: 200, description: 'the message', schema: webhookMessageSchema },
      errors: [404],
      handler: async ({ params, platformId }) => {
        const message = await rt.messages.get(platformId, params.id);
        if (!message) throw problems.notFound('webhook message', params.id);
        return { body: publicView(message) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/webhook-messages/:id/redeliver',
      summary: 'Send a message again with a fresh retry schedule; can turn unconfirmed into confirmed',
      tag: 'webhooks',
      auth: 'platform',
      params: idParams('webhookMessage'),
      response: { status: 202, description: 'queued again', schema: webhookMessageSchema },
      errors: [404, 409],
      handler: async ({ params, platformId }) => {
        const outcome = await redeliverMessage(rt, platformId, params.id);
        if (outcome === 'missing') throw problems.notFound('webhook message', params.id);
        if (outcome === 'in_progress') throw problems.messageInProgress(params.id);
        if (outcome !== 'queued') {
          const { endpointId } = (await rt.messages.getForDelivery(platformId, params.id))!;
          throw outcome === 'endpoint_disabled' ? problems.endpointDisabled(params.id, endpointId) : problems.endpointDeleted(params.id, endpointId);
        }
        return { status: 202, body: publicView((await rt.messages.get(platformId, params.id))!) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/webhook-messages/redeliver',
      summary: 'Redeliver the finished messages a filter selects (at most `limit` per call, newest first)',
      tag: 'webhooks',
      auth: 'platform',
      body: redeliverMessagesInputSchema,
      response: { status: 202, description: 'what was queued again and what was left alone', schema: redeliverMessagesResultSchema },
      errors: [400, 401],
      handler: async ({ body, platformId }) => {
        const page = await rt.messages.list(platformId, body);
        const redelivered: string[] = [];
        const skipped: { id: string; reason: (typeof REDELIVER_SKIP_REASONS)[number] }[] = [];
        for (const message of page.data) {
          const outcome = await redeliverMessage(rt, platformId, message.id);
          if (outcome === 'queued') redelivered.push(message.id);
          else if (outcome !== 'missing') skipped.push({ id: message.id, reason: outcome });
        }
        return { status: 202, body: { redelivered, skipped, nextCursor: page.nextCursor } };
      },
    }),
  ];
}
