import { z } from 'zod';
import { REQUEST_STATUSES } from '../connect-request-state.js';
import { LINK_ERROR_CODES } from '../link-errors.js';
import { apiKeySchema, metadataSchema, providerSchema, tenantIdSchema, timestampSchema } from './common.js';
import { originOf, originProblem, type OriginPolicy } from '../web-origin.js';
import { hubBrandingSchema } from './hub-settings.js';

export const MAX_ALLOWED_ORIGINS = 10;
export const MAX_URL_LENGTH = 2048;
/** Shortest and longest `expiresIn` (seconds): a minute, and 7 days for a link sent by email. */
export const SESSION_EXPIRES_IN = { min: 60, max: 7 * 24 * 3600 } as const;

/**
 * POST /v1/connect-sessions. The origin rules depend on where the service runs (http loopback
 * origins are for development), so the schema is built once per process from that policy.
 */
export function connectSessionInputSchema(policy: OriginPolicy) {
  return z
    .strictObject({
      tenantId: tenantIdSchema,
      provider: providerSchema,
      metadata: metadataSchema.optional(),
      allowedOrigins: z
        .array(
          z.string().superRefine((value, ctx) => {
            const problem = originProblem(value, policy);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          }),
        )
        .max(MAX_ALLOWED_ORIGINS, `allowedOrigins may list at most ${MAX_ALLOWED_ORIGINS} origins`)
        .refine((list) => new Set(list).size === list.length, 'allowedOrigins lists an origin twice')
        .optional()
        .describe('origins of the platform app that may frame the Hub and receive its messages, e.g. ["https://app.example.com"]; none: the Hub can be opened only as a page of its own'),
      returnUrl: z
        .url({ protocol: /^https?$/, error: 'returnUrl must be an absolute http(s) URL' })
        .max(MAX_URL_LENGTH, `returnUrl may be at most ${MAX_URL_LENGTH} characters`)
        .refine((value) => !/^[a-z]+:\/\/[^/]*@/i.test(value), 'returnUrl must not carry a user name or password')
        .optional()
        .describe('where the Hub sends the end user after success or cancel, with status, connectRequestId and (on success) accountId appended; must be on one of allowedOrigins'),
      expiresIn: z
        .int('expiresIn must be a whole number of seconds')
        .min(SESSION_EXPIRES_IN.min, `expiresIn must be at least ${SESSION_EXPIRES_IN.min} seconds`)
        .max(SESSION_EXPIRES_IN.max, `expiresIn must be at most ${SESSION_EXPIRES_IN.max} seconds (7 days)`)
        .optional()
        .describe('seconds until the link expires; default LINKER_CONNECT_SESSION_TTL (30 min); the link stays single use'),
    })
    .superRefine((input, ctx) => {
      if (input.returnUrl === undefined) return;
      const origin = originOf(input.returnUrl);
      if (!origin || !(input.allowedOrigins ?? []).includes(origin)) {
        ctx.addIssue({ code: 'custom', path: ['returnUrl'], message: `returnUrl must be on one of allowedOrigins; add ${origin ?? 'its origin'} to allowedOrigins` });
      }
    });
}
export type ConnectSessionInput = z.infer<ReturnType<typeof connectSessionInputSchema>>;

export const connectSessionSchema = z.object({
  token: z.string().describe('the session capability; give it only to the end user of this tenant'),
  url: z.string().describe('the Connect Hub page for this session; send the end user there, or open it with openHub from account-linker/hub'),
  expiresAt: timestampSchema,
  allowedOrigins: z.array(z.string()).describe('origins that may frame the Hub and receive its messages'),
  returnUrl: z.string().nullable(),
}).meta({ id: 'ConnectSession' });

/** The Hub trims what was pasted (a stray newline or space is the usual copy mistake). */
export const hubConnectBodySchema = z.strictObject({ apiKey: z.string().trim().pipe(apiKeySchema) });

/** What the Hub page shows: never the key, never the raw provider message. */
export const hubViewSchema = z.object({
  state: z.enum(['open', 'used']).describe('open: a key may be sent now; used: this session already sent its key'),
  expiresAt: timestampSchema,
  tenantId: tenantIdSchema,
  embed: z
    .object({ allowedOrigins: z.array(z.string()), returnUrl: z.string().nullable() })
    .describe('where the page may post its messages, and where it sends the end user back'),
  branding: hubBrandingSchema,
  notice: z.object({ title: z.string(), detail: z.string() }).optional().describe('set when the session is used: why no new key can be sent'),
  request: z
    .object({
      id: z.string().nullable().describe('the connect request; null for the moment between sending the key and its creation'),
      status: z.enum(REQUEST_STATUSES),
      accountId: z.string().nullable(),
      attempt: z.number().int().describe('counted attempts so far'),
      company: z.object({ name: z.string() }).nullable(),
      error: z.object({ code: z.enum(LINK_ERROR_CODES), title: z.string(), detail: z.string() }).nullable(),
    })
    .nullable(),
}).meta({ id: 'HubView' });
export type HubView = z.infer<typeof hubViewSchema>;
