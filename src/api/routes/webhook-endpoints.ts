import { z } from 'zod';
import { defineRoute, type AnyRouteSpec } from '../route-kit.js';
import { problems } from '../errors.js';
import type { Runtime } from '../../runtime/runtime.js';
import { EVENT_TYPES } from '../../domain/events.js';
import { newId } from '../../domain/ids.js';
import {
  webhookEndpointInputSchema,
  webhookEndpointSchema,
  webhookEndpointWithSecretSchema,
  type WebhookEndpoint,
} from '../../domain/schemas/webhook.js';
import { checkWebhookUrl } from '../../webhooks/url-check.js';
import { generateWebhookSecret } from '../../webhooks/signer.js';
import { idParams } from '../id-params.js';

const publicView = (endpoint: WebhookEndpoint) => webhookEndpointSchema.parse(endpoint);

export function webhookEndpointRoutes(rt: Runtime): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      summary: 'Subscribe a URL to events; the signing secret is shown once',
      tag: 'webhooks',
      auth: 'platform',
      body: webhookEndpointInputSchema,
      response: { status: 201, description: 'the endpoint with its secret', schema: webhookEndpointWithSecretSchema, headers: ['Location'] },
      errors: [409],
      handler: async ({ body, platformId, request }) => {
        const check = await checkWebhookUrl(body.url, rt.addressPolicy, rt.webhookLookup);
        if (!check.ok) {
          if (check.operatorDetail) request.log.warn({ platformId }, `webhook endpoint refused: ${check.operatorDetail}`);
          throw problems.unsafeWebhookUrl(check.reason);
        }
        const endpoint: WebhookEndpoint = {
          id: newId('webhookEndpoint'),
          url: body.url,
          events: body.events ? [...new Set(body.events)] : [...EVENT_TYPES],
          description: body.description ?? null,
          status: 'enabled',
          disabledReason: null,
          disabledAt: null,
          createdAt: new Date().toISOString(),
        };
        const secret = generateWebhookSecret();
        const max = rt.env.LINKER_MAX_ENDPOINTS_PER_PLATFORM;
        if (!(await rt.endpoints.create(platformId, endpoint, secret, max))) throw problems.endpointLimit(max);
        return { status: 201, body: { ...endpoint, secret }, headers: { location: `/v1/webhook-endpoints/${endpoint.id}` } };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/webhook-endpoints',
      summary: 'List webhook endpoints (without secrets)',
      tag: 'webhooks',
      auth: 'platform',
      response: { status: 200, description: 'the endpoints', schema: z.object({ data: z.array(webhookEndpointSchema) }) },
      handler: async ({ platformId }) => ({ body: { data: (await rt.endpoints.list(platformId)).map(publicView) } }),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/webhook-endpoints/:id',
      summary: 'One webhook endpoint (without its secret)',
      tag: 'webhooks',
      auth: 'platform',
      params: idParams('webhookEndpoint'),
      response: { status: 200, description: 'the endpoint', schema: webhookEndpointSchema },
      errors: [404],
      handler: async ({ params, platformId }) => {
        const endpoint = await rt.endpoints.get(platformId, params.id);
        if (!endpoint) throw problems.notFound('webhook endpoint', params.id);
        return { body: publicView(endpoint) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/v1/webhook-endpoints/:id',
      summary: 'Stop sending to an endpoint',
      tag: 'webhooks',
      auth: 'platform',
      params: idParams('webhookEndpoint'),
      response: { status: 204, description: 'deleted' },
      errors: [404],
      handler: async ({ params, platformId }) => {
        if (!(await rt.endpoints.delete(platformId, params.id))) throw problems.notFound('webhook endpoint', params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/webhook-endpoints/:id/enable',
      summary: 'Send to an endpoint disabled by a 410 Gone again (messages from now on; redeliver earlier ones)',
      tag: 'webhooks',
      auth: 'platform',
      params: idParams('webhookEndpoint'),
      response: { status: 200, description: 'the endpoint, enabled', schema: webhookEndpointSchema },
      errors: [404],
      handler: async ({ params, platformId }) => {
        const endpoint = await rt.endpoints.enable(platformId, params.id);
        if (!endpoint) throw problems.notFound('webhook endpoint', params.id);
        return { body: publicView(endpoint) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/webhook-endpoints/:id/rotate-secret',
      summary: 'New signing secret; the old one keeps signing for 24 h',
      tag: 'webhooks',
      auth: 'platform',
      params: idParams('webhookEndpoint'),
      response: { status: 200, description: 'the endpoint with its new secret', schema: webhookEndpointWithSecretSchema },
      errors: [404],
      handler: async ({ params, platformId }) => {
        const secret = generateWebhookSecret();
        if (!(await rt.endpoints.rotate(platformId, params.id, secret))) throw problems.notFound('webhook endpoint', params.id);
        const endpoint = await rt.endpoints.get(platformId, params.id);
        return { body: { ...publicView(endpoint!), secret } };
      },
    }),
  ];
}
