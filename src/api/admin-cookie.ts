import type { FastifyRequest } from 'fastify';
import { ADMIN_SESSION_ID } from '../store/admin-session-store.js';

export const ADMIN_COOKIE = 'linker_admin';
/** The cookie reaches the dashboard and the sign-in and sign-out routes, nothing else. */
const COOKIE_PATH = '/admin';

/**
 * The admin session id a browser sends, or undefined. Only the exact shape of an id is read: a
 * cookie with any other value (bad percent-encoding included) is no session at all.
 */
export function adminSessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === ADMIN_COOKIE && value !== undefined && ADMIN_SESSION_ID.test(value)) return value;
  }
  return undefined;
}

export interface AdminCookieOptions {
  /** Lifetime (ms); 0 clears the cookie. */
  maxAgeMs: number;
  /** Send only over https: set when LINKER_PUBLIC_URL is https. */
  secure: boolean;
}

export function adminSetCookie(value: string, { maxAgeMs, secure }: AdminCookieOptions): string {
  const attributes = [`${ADMIN_COOKIE}=${value}`, `Path=${COOKIE_PATH}`, 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.floor(maxAgeMs / 1000)}`];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}
