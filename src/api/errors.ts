import { SESSION_MESSAGES } from '../hub/hub-messages.js';

/**
 * Every error the API answers with, in one place (RFC 9457 problem details). `detail` says what
 * went wrong and what to do about it.
 *
 * Every problem code; the `type` of a problem is `urn:account-linker:problem:<code>`. The OpenAPI
 * document lists them, so a client can switch on them.
 */
export const PROBLEM_CODES = [
  'invalid_input',
  'malformed_json',
  'bad_request',
  'unauthorized',
  'not_found',
  'route_not_found',
  'method_not_allowed',
  'in_flight',
  'conflict',
  'endpoint_limit',
  'endpoint_disabled',
  'endpoint_deleted',
  'idempotency_key_reused',
  'idempotency_in_progress',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'too_many_pending',
  'sign_in_throttled',
  'unsafe_webhook_url',
  'session_invalid',
  'session_expired',
  'session_used',
  'internal',
  'unavailable',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export const problemType = (code: ProblemCode) => `urn:account-linker:problem:${code}` as const;

export interface ProblemFieldError {
  path: string;
  message: string;
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly title: string,
    readonly detail: string,
    readonly errors?: ProblemFieldError[],
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  toJSON() {
    return {
      type: problemType(this.code),
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export const problems = {
  invalidInput: (detail: string, errors?: ProblemFieldError[]) => new ProblemError(400, 'invalid_input', 'Invalid input', detail, errors),
  malformedJson: (detail: string) =>
    new ProblemError(400, 'malformed_json', 'Malformed JSON', `The request body is not valid JSON (${detail}). Send a JSON object with Content-Type: application/json.`),
  unauthorized: () =>
    new ProblemError(401, 'unauthorized', 'Unauthorized', 'Send a valid platform token as "Authorization: Bearer <token>". Tokens come from LINKER_PLATFORMS or `account-linker platforms add`.', undefined, { 'www-authenticate': 'Bearer' }),
  adminOnly: () => new ProblemError(401, 'unauthorized', 'Unauthorized', 'This route needs "Authorization: Bearer <LINKER_ADMIN_TOKEN>" (a browser signs in at /admin/login).', undefined, { 'www-authenticate': 'Bearer' }),
  notFound: (what: string, id: string) => new ProblemError(404, 'not_found', 'Not found', `No ${what} with id "${id}" exists for this platform.`),
  /** A path parameter that is not an id of the route's kind: it names nothing, like an unknown id. */
  notAnId: (detail: string) => new ProblemError(404, 'not_found', 'Not found', detail),
  routeNotFound: (method: string, url: string) =>
    new ProblemError(404, 'route_not_found', 'Not found', `There is no route ${method} ${url.split('?')[0]}. See /docs for the API.`),
  methodNotAllowed: (method: string, url: string) => new ProblemError(405, 'method_not_allowed', 'Method not allowed', `${method} is not supported on ${url}.`),
  inFlight: (tenantId: string, inFlightId: string) =>
    new ProblemError(409, 'in_flight', 'Request in flight', `Tenant "${tenantId}" already has connect request ${inFlightId} in flight; wait for it to finish or follow it with GET /v1/connect-requests/${inFlightId}.`, undefined, {}, { inFlightId }),
  conflict: (detail: string) => new ProblemError(409, 'conflict', 'Conflict', detail),
  messageInProgress: (id: string) => new ProblemError(409, 'conflict', 'Conflict', `Message ${id} is still being delivered; wait for it to finish before redelivering.`),
  endpointDisabled: (messageId: string, endpointId: string) =>
    new ProblemError(409, 'endpoint_disabled', 'Endpoint disabled', `Message ${messageId} goes to webhook endpoint ${endpointId}, which is disabled (see its disabledReason); enable it with POST /v1/webhook-endpoints/${endpointId}/enable, then redeliver.`),
  endpointDeleted: (messageId: string, endpointId: string) =>
    new ProblemError(409, 'endpoint_deleted', 'Endpoint deleted', `Message ${messageId} went to webhook endpoint ${endpointId}, which was deleted; a message cannot be sent to another endpoint.`),
  endpointLimit: (max: number) =>
    new ProblemError(
      409,
      'endpoint_limit',
      'Webhook endpoint limit reached',
      `This platform already has ${max} webhook endpoints, the most LINKER_MAX_ENDPOINTS_PER_PLATFORM allows. Delete one (DELETE /v1/webhook-endpoints/:id) or subscribe an existing one to more events.`,
      undefined,
      {},
      { limit: max },
    ),
  idempotencyMismatch: () =>
    new ProblemError(422, 'idempotency_key_reused', 'Idempotency-Key reused', 'This Idempotency-Key was already used with a different request body. Use a new key for a new request.'),
  idempotencyInProgress: () =>
    new ProblemError(409, 'idempotency_in_progress', 'Request in progress', 'A request with this Idempotency-Key is still being processed. Retry in a moment to get its response.', undefined, { 'retry-after': '1' }),
  payloadTooLarge: (limit: number) =>
    new ProblemError(413, 'payload_too_large', 'Payload too large', `The request body is larger than the limit of ${limit} bytes. Send less (split bulk submissions into several calls).`),
  unsupportedMediaType: () =>
    new ProblemError(415, 'unsupported_media_type', 'Unsupported media type', 'Send the body as JSON with "Content-Type: application/json".'),
  rateLimited: (retryAfterSeconds: number) =>
    new ProblemError(429, 'rate_limited', 'Too many requests', `This platform sent too many requests. Retry after ${retryAfterSeconds} s.`, undefined, { 'retry-after': String(retryAfterSeconds) }),
  tooManyPending: (pending: number, max: number, retryAfterSeconds: number) =>
    new ProblemError(
      429,
      'too_many_pending',
      'Too many requests pending',
      `This platform has ${pending} connect requests not finished yet, and this call would take it past ${max} (LINKER_MAX_PENDING_PER_PLATFORM). Nothing was stored. Retry after ${retryAfterSeconds} s, or submit fewer items.`,
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    ),
  signInThrottled: (retryAfterSeconds: number) =>
    new ProblemError(429, 'sign_in_throttled', 'Too many failed sign-ins', `Too many failed sign-ins came from this address. Check the token or link you are using, then retry after ${retryAfterSeconds} s.`, undefined, { 'retry-after': String(retryAfterSeconds) }),
  unsafeWebhookUrl: (reason: string) => new ProblemError(400, 'unsafe_webhook_url', 'Webhook URL refused', reason),
  // Read by end users on the Connect Hub page, so they speak to them.
  sessionInvalid: () => new ProblemError(401, 'session_invalid', SESSION_MESSAGES.invalid.title, SESSION_MESSAGES.invalid.detail),
  sessionExpired: (extra: { allowedOrigins?: string[] } = {}) =>
    new ProblemError(410, 'session_expired', SESSION_MESSAGES.expired.title, SESSION_MESSAGES.expired.detail, undefined, {}, extra),
  sessionUsed: () => new ProblemError(409, 'session_used', SESSION_MESSAGES.used.title, SESSION_MESSAGES.used.detail),
  hubInFlight: () =>
    new ProblemError(409, 'in_flight', 'A connection is already being checked', 'Another API key for this account is being checked right now. Wait a few minutes for it to finish, then open this link again.'),
  internal: () => new ProblemError(500, 'internal', 'Internal error', 'Something went wrong on our side; nothing was stored. Retry, and report it if it persists.'),
  unavailable: (detail: string) => new ProblemError(503, 'unavailable', 'Service unavailable', detail, undefined, { 'retry-after': '5' }),
};
