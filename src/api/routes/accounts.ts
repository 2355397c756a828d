import { defineRoute, type AnyRouteSpec } from '../route-kit.js';
import { problems } from '../errors.js';
import type { Runtime } from '../../runtime/runtime.js';
import { accountListQuerySchema, accountSchema } from '../../domain/schemas/account.js';
import { pageSchema } from '../../domain/schemas/common.js';
import { idParams } from './connect-requests.js';

export function accountRoutes(rt: Runtime): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/v1/accounts',
      summary: 'List linked accounts, newest first',
      tag: 'accounts',
      auth: 'platform',
      query: accountListQuerySchema,
      response: { status: 200, description: 'a page of accounts', schema: pageSchema(accountSchema) },
      errors: [400, 401],
      handler: async ({ query, platformId }) => ({ body: await rt.accounts.list(platformId, query) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/accounts/:id',
      summary: 'One account with its history; never the key, only its last 4 characters',
      tag: 'accounts',
      auth: 'platform',
      params: idParams,
      response: { status: 200, description: 'the account', schema: accountSchema },
      errors: [401, 404],
      handler: async ({ params, platformId }) => {
        const account = await rt.accounts.get(platformId, params.id);
        if (!account) throw problems.notFound('account', params.id);
        return { body: account };
      },
    }),
  ];
}
