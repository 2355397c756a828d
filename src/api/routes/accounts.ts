import { defineRoute, type AnyRouteSpec } from '../route-kit.js';
import { problems } from '../errors.js';
import type { Runtime } from '../../runtime/runtime.js';
import { accountListQuerySchema, accountSchema } from '../../domain/schemas/account.js';
import { pageSchema } from '../../domain/schemas/common.js';
import { unlinkAccount } from '../../services/unlink-account.js';
import { revalidateAccount } from '../../services/revalidate-account.js';
import { idParams } from '../id-params.js';

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
      handler: async ({ query, platformId }) => ({ body: await rt.accounts.list(platformId, query) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/accounts/:id',
      summary: 'One account with its history; never the key, only its last 4 characters',
      tag: 'accounts',
      auth: 'platform',
      params: idParams('account'),
      response: { status: 200, description: 'the account', schema: accountSchema },
      errors: [404],
      handler: async ({ params, platformId }) => {
        const account = await rt.accounts.get(platformId, params.id);
        if (!account) throw problems.notFound('account', params.id);
        return { body: account };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/accounts/:id/revalidate',
      summary: 'Queue a fresh check of the stored key; a definite 401/403 makes the account invalid (event account.invalidated)',
      tag: 'accounts',
      auth: 'platform',
      params: idParams('account'),
      response: { status: 202, description: 'the account as it is now; the check runs on a worker', schema: accountSchema },
      errors: [404, 409],
      handler: async ({ params, platformId }) => {
        const outcome = await revalidateAccount(rt, platformId, params.id);
        if (outcome.result === 'missing') throw problems.notFound('account', params.id);
        const { account } = outcome;
        if (outcome.result === 'not_active') {
          throw problems.conflict(
            `Account ${account.id} is ${account.status}: it has no working key to check. Submit a new connect request for tenant "${account.tenantId}" to link it again.`,
          );
        }
        return { body: account };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/v1/accounts/:id',
      summary: 'Unlink: destroy the stored key, mark the account revoked (event account.unlinked); its history stays readable',
      tag: 'accounts',
      auth: 'platform',
      params: idParams('account'),
      response: { status: 200, description: 'the revoked account; repeating the call changes nothing', schema: accountSchema },
      errors: [404],
      handler: async ({ params, platformId }) => {
        const account = await unlinkAccount(rt, platformId, params.id);
        if (account === 'missing') throw problems.notFound('account', params.id);
        return { body: account };
      },
    }),
  ];
}
