import { timingSafeEqual } from 'node:crypto';
import { decodeTime } from 'ulid';
import { ID_PREFIX } from '../domain/ids.js';
import type { FastifyRequest } from 'fastify';
import { problems } from './errors.js';
import { parseSessionToken } from './connect-session-token.js';
import { digestSecret, type ConnectSessionStore, type StoredSession } from '../store/connect-session-store.js';

/** The Hub sends its token as `Authorization: Session <token>`, so it never lands in a URL the server logs. */
function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  return /^Session ([\x21-\x7e]{1,300})$/.exec(header)?.[1];
}

export const isExpired = (session: StoredSession, now = Date.now()) => Date.parse(session.expiresAt) <= now;

/**
 * Resolves the session a Hub call carries, or throws the problem the page shows: a token that is
 * malformed, unknown or fails the digest is "not valid"; one whose record is gone after its
 * retention is "expired" when its id says it is older than `ttlMs`.
 */
export async function authenticateSession(store: ConnectSessionStore, request: FastifyRequest, ttlMs: number, now = Date.now()): Promise<StoredSession> {
  const token = sessionToken(request);
  const parts = token ? parseSessionToken(token) : null;
  if (!parts) throw problems.sessionInvalid();
  const session = await store.get(parts.platformId, parts.id);
  if (!session) {
    if (decodeTime(parts.id.slice(ID_PREFIX.connectSession.length).toUpperCase()) + ttlMs <= now) throw problems.sessionExpired();
    throw problems.sessionInvalid();
  }
  const given = Buffer.from(digestSecret(parts.secret), 'hex');
  if (!timingSafeEqual(given, Buffer.from(session.secretDigest, 'hex'))) throw problems.sessionInvalid();
  return session;
}
