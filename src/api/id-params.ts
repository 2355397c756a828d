import { z } from 'zod';
import { isId, type IdKind } from '../domain/ids.js';

const LABEL: Record<IdKind, string> = {
  connectRequest: 'connect request',
  batch: 'batch',
  account: 'account',
  webhookEndpoint: 'webhook endpoint',
  webhookMessage: 'webhook message',
  connectSession: 'connect session',
};

/**
 * Path parameters of a route about one record of `kind`. Anything that is not an id of that kind
 * (another kind's id, an id with a suffix, an out-of-range ULID) is refused before it can become
 * part of a Redis key: route-kit answers 404, as for an id that names nothing.
 */
export function idParams(kind: IdKind) {
  return z.strictObject({
    id: z.string().refine((value) => isId(kind, value), {
      error: (issue) => `No ${LABEL[kind]} with id ${JSON.stringify(String(issue.input).slice(0, 100))} exists for this platform.`,
    }),
  });
}
