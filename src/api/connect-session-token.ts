import { isId } from '../domain/ids.js';
import { PLATFORM_ID } from '../store/platform-store.js';

/**
 * A connect-session token: `cs_<ulid>.<platformId>.<secret>`. The platform id rides along because
 * the Hub page has nothing but the token, and every session lives under its platform's hash tag.
 * Only a SHA-256 of the secret is stored, so the token cannot be forged from Redis, and any
 * changed character either names no session or fails the digest comparison.
 */
export interface SessionTokenParts {
  id: string;
  platformId: string;
  /** base64url of 32 random bytes. */
  secret: string;
}

const SECRET = /^[A-Za-z0-9_-]{43}$/;

export function formatSessionToken({ id, platformId, secret }: SessionTokenParts): string {
  return `${id}.${platformId}.${secret}`;
}

/** The parts of a well-formed token, or null for anything else (cut off, edited, not a token). */
export function parseSessionToken(token: string): SessionTokenParts | null {
  const [id, platformId, secret, ...rest] = token.split('.');
  if (rest.length > 0 || !id || !platformId || !secret) return null;
  if (!isId('connectSession', id)) return null;
  if (!PLATFORM_ID.test(platformId) || !SECRET.test(secret)) return null;
  return { id, platformId, secret };
}

/**
 * Which session a Hub page address names: the full token when the end user first opens it, or
 * `cs_<ulid>.<platformId>` once the page has taken the secret out of the address bar. That part
 * is no secret; it only lets the page's headers (who may frame it) follow the session on reload.
 */
export function parseSessionRef(value: string): Pick<SessionTokenParts, 'id' | 'platformId'> | null {
  const full = parseSessionToken(value);
  if (full) return { id: full.id, platformId: full.platformId };
  const [id, platformId, ...rest] = value.split('.');
  if (rest.length > 0 || !id || !platformId || !isId('connectSession', id) || !PLATFORM_ID.test(platformId)) return null;
  return { id, platformId };
}
