import { z } from 'zod';
import { LINK_ERROR_CODES } from '../link-errors.js';

/**
 * What the Hub page posts to the app that embeds it (src/hub/hub.js sends them, src/hub/sdk.js
 * reads them; sdk.d.ts types them and a test keeps it equal to these). Never a key or token.
 */
export const HUB_MESSAGE_PREFIX = 'account-linker:';

export const hubLinkedMessageSchema = z.strictObject({
  type: z.literal('account-linker:linked'),
  connectRequestId: z.string().regex(/^cr_/),
  accountId: z.string().regex(/^acc_/),
  tenantId: z.string(),
  company: z.strictObject({ name: z.string() }),
});

export const hubFailedMessageSchema = z.strictObject({
  type: z.literal('account-linker:failed'),
  code: z.enum([...LINK_ERROR_CODES, 'session_expired']),
  title: z.string(),
});

export const hubMessageSchema = z.discriminatedUnion('type', [
  hubLinkedMessageSchema,
  hubFailedMessageSchema,
  z.strictObject({ type: z.literal('account-linker:cancel') }),
  z.strictObject({ type: z.literal('account-linker:close') }),
]);
export type HubMessage = z.infer<typeof hubMessageSchema>;
