import { readFileSync } from 'node:fs';

/** The page's files and the browser SDK, read once at start: no build step, no CDN, works offline. */
const read = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');

export const HUB_ASSETS = {
  html: { body: read('hub.html'), type: 'text/html; charset=utf-8' },
  css: { body: read('hub.css'), type: 'text/css; charset=utf-8' },
  js: { body: read('hub.js'), type: 'text/javascript; charset=utf-8' },
  sdk: { body: read('sdk.js'), type: 'text/javascript; charset=utf-8' },
} as const;

/**
 * Headers on every Hub response. The CSP allows only our own script and style files (no inline
 * script), nothing is cached, and no Referer carries the session token to another site. Only the
 * origins a session names may frame its page (and serve its logo); with none, nobody may.
 */
export function hubHeaders(allowedOrigins: readonly string[] = []): Record<string, string> {
  const origins = allowedOrigins.join(' ');
  return {
    'content-security-policy':
      `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:${origins ? ` ${origins}` : ''}; connect-src 'self'; ` +
      `form-action 'none'; frame-ancestors ${origins || "'none'"}; base-uri 'none'`,
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // Older browsers without frame-ancestors still refuse every frame; with origins the CSP decides.
    ...(origins ? {} : { 'x-frame-options': 'DENY' }),
  };
}

/**
 * The SDK is loaded by the platform's own pages, often as a cross-origin module script, which the
 * browser fetches with CORS. It is public code, so any origin may load it.
 */
export const SDK_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'cross-origin-resource-policy': 'cross-origin',
  'cache-control': 'public, max-age=300',
  'x-content-type-options': 'nosniff',
};
