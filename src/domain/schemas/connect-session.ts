import { z } from 'zod';
import { REQUEST_STATUSES } from '../connect-request-state.js';
import { LINK_ERROR_CODES } from '../link-errors.js';
import { apiKeySchema, metadataSchema, providerSchema, tenantIdSchema, timestampSchema } from './common.js';

export const connectSessionInputSchema = z.strictObject({
  tenantId: tenantIdSchema,
  provider: providerSchema,
  metadata: metadataSchema.optional(),
}).meta({ id: 'ConnectSessionInput' });
export type ConnectSessionInput = z.infer<typeof connectSessionInputSchema>;

export const connectSessionSchema = z.object({
  token: z.string().describe('the session capability; give it only to the end user of this tenant'),
  url: z.string().describe('the Connect Hub page for this session; send the end user there'),
  expiresAt: timestampSchema,
}).meta({ id: 'ConnectSession' });

/** The Hub trims what was pasted (a stray newline or space is the usual copy mistake). */
export const hubConnectBodySchema = z.strictObject({ apiKey: z.string().trim().pipe(apiKeySchema) });

/** What the Hub page shows: never the key, never the raw provider message. */
export const hubViewSchema = z.object({
  state: z.enum(['open', 'used']).describe('open: a key may be sent now; used: this session already sent its key'),
  expiresAt: timestampSchema,
  notice: z.object({ title: z.string(), detail: z.string() }).optional().describe('set when the session is used: why no new key can be sent'),
  request: z
    .object({
      status: z.enum(REQUEST_STATUSES),
      attempt: z.number().int().describe('counted attempts so far'),
      company: z.object({ name: z.string() }).nullable(),
      error: z.object({ code: z.enum(LINK_ERROR_CODES), title: z.string(), detail: z.string() }).nullable(),
    })
    .nullable(),
}).meta({ id: 'HubView' });
export type HubView = z.infer<typeof hubViewSchema>;
