import { z } from 'zod';
import { timestampSchema } from './common.js';

/** A logo travels with every Hub view, so it stays small: about 48 KB of image as a data URL. */
export const MAX_LOGO_CHARS = 65_536;
const DATA_URL_LOGO = /^data:image\/(?:png|jpeg|gif|webp|svg\+xml);base64,(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HTTPS_LOGO = /^https:\/\/[^/@\s]+(?:\/\S*)?$/;

/** A platform's look on its Connect Hub pages. PUT replaces all three; an omitted field goes back to the default. */
export const hubSettingsInputSchema = z.strictObject({
  displayName: z
    .string()
    .trim()
    .min(1, 'displayName must not be empty; omit it to show no name')
    .max(60, 'displayName may be at most 60 characters')
    .regex(/^[^\p{Cc}]*$/u, 'displayName must not contain control characters')
    .optional()
    .describe('your product name, shown to end users ("Connect SmartRecruiters to <displayName>")'),
  logo: z
    .string()
    .max(MAX_LOGO_CHARS, `logo may be at most ${MAX_LOGO_CHARS} characters; use a smaller image or an https URL`)
    .refine(
      (value) => DATA_URL_LOGO.test(value) || (HTTPS_LOGO.test(value) && value.length <= 2048),
      'logo must be a base64 data URL of a png, jpeg, gif, webp or svg+xml image, or an https URL without user name or password',
    )
    .optional()
    .describe('a data:image/…;base64 URL, or an https URL; an https logo shows only on sessions whose allowedOrigins include its origin'),
  accentColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'accentColor must be a hex colour like "#1f5fd1"')
    .optional()
    .describe('buttons and highlights; the Hub picks the text colour on it and deepens it where needed to stay WCAG AA'),
});
export type HubSettingsInput = z.infer<typeof hubSettingsInputSchema>;

export const hubSettingsSchema = z.object({
  displayName: z.string().nullable(),
  logo: z.string().nullable(),
  accentColor: z.string().nullable(),
  updatedAt: timestampSchema.nullable().describe('null while the defaults apply'),
});
export type HubSettings = z.infer<typeof hubSettingsSchema>;

const themeColorsSchema = z.object({
  brand: z.string().describe('accent as shown on this scheme\'s card'),
  brandText: z.string().describe('text colour on the accent'),
});

/** The branding one Hub view carries: what the page shows and the colours it applies. */
export const hubBrandingSchema = z.object({
  displayName: z.string().nullable(),
  logo: z.string().nullable(),
  theme: z.object({ light: themeColorsSchema, dark: themeColorsSchema }).nullable().describe('null: the default colours'),
});
export type HubBranding = z.infer<typeof hubBrandingSchema>;
