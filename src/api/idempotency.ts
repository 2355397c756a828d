import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { IdempotencyStore } from '../store/idempotency-store.js';
import type { IdSeed } from '../domain/ids.js';
import { ProblemError, problems } from './errors.js';
import type { RouteResult } from './route-kit.js';

export const IDEMPOTENCY_KEY_MAX = 255;
const IDEMPOTENCY_KEY = new RegExp(`^[\\x21-\\x7e]{1,${IDEMPOTENCY_KEY_MAX}}$`);
/** One key space per platform for every route that takes a key, so a key names one call, wherever it went. */
export const IDEMPOTENCY_KEY_SPACE = 'post';

/** What a key is bound to: the route and the body. The same key with either changed is a 422. */
export function requestFingerprint(operation: string, body: unknown): string {
  return createHash('sha256').update(`${operation}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

/**
 * Runs `create` at most once per Idempotency-Key (DESIGN §3): a replay answers the first response
 * with `Idempotent-Replayed: true`; the same key with another body, or on another route, is a 422.
 */
export async function withIdempotency(
  store: IdempotencyStore,
  request: FastifyRequest,
  /** Names the route; part of the fingerprint, so a key reused on another route never replays this one's answer. */
  operation: string,
  /** `seed` is set under an Idempotency-Key: ids derived from it are the same on every try. */
  create: (seed?: IdSeed) => Promise<RouteResult>,
): Promise<RouteResult> {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return create();
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw problems.invalidInput(`Idempotency-Key must be 1-${IDEMPOTENCY_KEY_MAX} printable characters without spaces.`, [{ path: 'headers.idempotency-key', message: 'invalid' }]);
  }
  const fingerprint = requestFingerprint(operation, request.body);
  const scope = IDEMPOTENCY_KEY_SPACE;
  const platformId = request.platformId;
  const begun = await store.begin(platformId, scope, header, fingerprint);
  if (begun.state === 'mismatch') throw problems.idempotencyMismatch();
  if (begun.state === 'in_progress') throw problems.idempotencyInProgress();
  if (begun.state === 'replay') {
    return { status: begun.response.statusCode, body: begun.response.body, headers: { ...begun.response.headers, 'idempotent-replayed': 'true' } };
  }
  try {
    const result = await create(begun.seed);
    await store.complete(platformId, scope, header, fingerprint, begun.seed, { statusCode: result.status ?? 200, body: result.body, headers: result.headers });
    return result;
  } catch (error) {
    // A refusal created nothing: forget the key so a corrected call may use it. Anything else may
    // have stored part of the work: keep the seed so a retry finishes the same records.
    if (error instanceof ProblemError && error.status < 500) await store.abandon(platformId, scope, header);
    else await store.release(platformId, scope, header);
    throw error;
  }
}
