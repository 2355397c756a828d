import { SESSION_MESSAGES } from '../hub/hub-messages.js';

/**
 * Every error the API answers with, in one place (RFC 9457 problem details). `detail` says what
 * went wrong and what to do about it.
 */
export interface ProblemFieldError {
  path: string;
  message: string;
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
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
      type: `urn:account-linker:problem:${this.code}`,
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
  unsafeWebhookUrl: (reason: string) => new ProblemError(400, 'unsafe_webhook_url', 'Webhook URL refused', reason),
  // Read by end users on the Connect Hub page, so they speak to them.
  sessionInvalid: () => new ProblemError(401, 'session_invalid', SESSION_MESSAGES.invalid.title, SESSION_MESSAGES.invalid.detail),
  sessionExpired: () => new ProblemError(410, 'session_expired', SESSION_MESSAGES.expired.title, SESSION_MESSAGES.expired.detail),
  sessionUsed: () => new ProblemError(409, 'session_used', SESSION_MESSAGES.used.title, SESSION_MESSAGES.used.detail),
  hubInFlight: () =>
    new ProblemError(409, 'in_flight', 'A connection is already being checked', 'Another API key for this account is being checked right now. Wait a few minutes for it to finish, then open this link again.'),
  internal: () => new ProblemError(500, 'internal', 'Internal error', 'Something went wrong on our side; nothing was stored. Retry, and report it if it persists.'),
  unavailable: (detail: string) => new ProblemError(503, 'unavailable', 'Service unavailable', detail, undefined, { 'retry-after': '5' }),
};
