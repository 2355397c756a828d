import { readFileSync } from 'node:fs';

/** The page's three files, read once at start: no build step, no CDN, works offline. */
const read = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');

export const HUB_ASSETS = {
  html: { body: read('hub.html'), type: 'text/html; charset=utf-8' },
  css: { body: read('hub.css'), type: 'text/css; charset=utf-8' },
  js: { body: read('hub.js'), type: 'text/javascript; charset=utf-8' },
} as const;

/**
 * Headers on every Hub response. The CSP allows only our own script and style files (no inline
 * script), nothing is cached, and no Referer carries the session token to another site.
 */
export const HUB_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};
