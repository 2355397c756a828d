import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { PlatformStore } from '../store/platform-store.js';
import { problems } from './errors.js';
import { adminSessionCookie } from './admin-cookie.js';
import type { AdminSessionStore } from '../store/admin-session-store.js';

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header);
  return match?.[1];
}

/** Resolves the calling platform or throws 401. */
export async function authenticatePlatform(request: FastifyRequest, platforms: PlatformStore): Promise<void> {
  const token = bearerToken(request);
  const platformId = token ? await platforms.authenticate(token) : null;
  if (!platformId) throw problems.unauthorized();
  request.platformId = platformId;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export interface AdminAuth {
  /** LINKER_ADMIN_TOKEN; without it every admin route stays closed. */
  token: string | undefined;
  sessions: AdminSessionStore;
}

/**
 * Admin routes take `Authorization: Bearer <LINKER_ADMIN_TOKEN>` (compared in constant time) or,
 * for a browser signed in at /admin/login, the session cookie. Throws 401 otherwise.
 */
export async function authenticateAdmin(request: FastifyRequest, admin: AdminAuth): Promise<void> {
  if (admin.token) {
    const bearer = bearerToken(request);
    if (bearer !== undefined && isAdminToken(bearer, admin.token)) return;
    const session = bearer === undefined ? adminSessionCookie(request) : undefined;
    if (session !== undefined && (await admin.sessions.verify(session, admin.token))) return;
  }
  throw problems.adminOnly();
}

export function isAdminToken(token: string | undefined, adminToken: string | undefined): boolean {
  return Boolean(adminToken && token && timingSafeEqual(digest(token), digest(adminToken)));
}
