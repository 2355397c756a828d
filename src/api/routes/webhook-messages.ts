import { defineRoute, type AnyRouteSpec } from '../route-kit.js';
import { problems } from '../errors.js';
import type { Runtime } from '../../runtime/runtime.js';
import { webhookMessageListQuerySchema, webhookMessageSchema } from '../../domain/schemas/webhook.js';
import { pageSchema } from '../../domain/schemas/common.js';
import type { StoredMessage } from '../../store/webhook-message-store.js';
import { idParams } from '../id-params.js';

const publicView = (message: StoredMessage) => webhookMessageSchema.parse(message);

export function webhookMessageRoutes(rt: Runtime): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/v1/webhook-messages',
      summary: 'Delivery log: every message with each attempt',
      tag: 'webhooks',
      auth: 'platform',
      query: webhookMessageListQuerySchema,
      response: { status: 200, description: 'a page of messages', schema: pageSchema(webhookMessageSchema) },
      errors: [400, 401],
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
      errors: [401, 404],
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
      errors: [401, 404, 409],
      handler: async ({ params, platformId }) => {
        const reopened = await rt.messages.reopen(platformId, params.id);
        if (reopened === 'missing') throw problems.notFound('webhook message', params.id);
        if (reopened === 'in_progress') throw problems.conflict(`Message ${params.id} is still being delivered; wait for it to finish before redelivering.`);
        await rt.producers.enqueueDelivery({ platformId, messageId: params.id }, { run: reopened.run });
        return { status: 202, body: publicView((await rt.messages.get(platformId, params.id))!) };
      },
    }),
  ];
}
