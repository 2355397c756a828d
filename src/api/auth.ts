import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { PlatformStore } from '../store/platform-store.js';
import { problems } from './errors.js';

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

/** Admin routes compare against LINKER_ADMIN_TOKEN in constant time; with no admin token set they stay closed. */
export function authenticateAdmin(request: FastifyRequest, adminToken: string | undefined): void {
  if (!isAdminToken(bearerToken(request) ?? adminCookie(request), adminToken)) throw problems.adminOnly();
}

export function isAdminToken(token: string | undefined, adminToken: string | undefined): boolean {
  return Boolean(adminToken && token && timingSafeEqual(digest(token), digest(adminToken)));
}

/** bull-board's UI loads its assets without our header, so the admin token may also come as a cookie. */
function adminCookie(request: FastifyRequest): string | undefined {
  const cookie = request.headers.cookie;
  if (typeof cookie !== 'string') return undefined;
  const match = /(?:^|;\s*)linker_admin=([^;]+)/.exec(cookie);
  if (!match?.[1]) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined; // bad percent-encoding: no token, so a 401
  }
}
