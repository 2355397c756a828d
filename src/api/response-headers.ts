/**
 * Response headers the API sets, documented once in the OpenAPI components. Values are what the
 * service writes: seconds for Retry-After, "true" for Idempotent-Replayed.
 */
export const RESPONSE_HEADERS = {
  Location: { description: 'where the created resource can be read', schema: { type: 'string' } },
  'Retry-After': { description: 'seconds to wait before sending the call again', schema: { type: 'string', pattern: '^[0-9]+$' } },
  'Idempotent-Replayed': {
    description: 'present on the stored first response of an earlier call with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
  'WWW-Authenticate': { description: 'the authentication scheme to use', schema: { type: 'string', enum: ['Bearer'] } },
  'Cache-Control': { description: 'the answer holds a secret: never cache it', schema: { type: 'string', enum: ['no-store'] } },
  'X-RateLimit-Limit': { description: 'calls this platform may make per minute', schema: { type: 'string', pattern: '^[0-9]+$' } },
  'X-RateLimit-Remaining': { description: 'calls left in the current minute', schema: { type: 'string', pattern: '^[0-9]+$' } },
  'X-RateLimit-Reset': { description: 'seconds until the current minute ends', schema: { type: 'string', pattern: '^[0-9]+$' } },
} as const;
export type ResponseHeader = keyof typeof RESPONSE_HEADERS;

/** Set by the rate limiter on every answer to an authenticated platform call. */
export const RATE_LIMIT_HEADERS: ResponseHeader[] = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];
