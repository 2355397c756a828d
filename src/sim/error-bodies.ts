import { STATUS_CODES } from 'node:http';

/** SmartRecruiters' error shape: `{message, errors:[{code, message}]}`. */
export interface SrErrorBody {
  message: string;
  errors?: Array<{ code: string; message: string }>;
}

function srError(code: string, message: string): SrErrorBody {
  return { message, errors: [{ code, message }] };
}

// Serialised once: these are the hot paths of a benchmark full of bad keys and 429s.
export const UNAUTHORIZED_BODY = JSON.stringify(
  srError('unauthorized', 'No valid API credential provided'),
);
/**
 * The 401 for a key of another length than the convention's: the real API would not know it
 * either, but a person trying the simulator should learn why their key was refused.
 */
export function wrongLengthBody(length: number, expected: number): string {
  return JSON.stringify(
    srError('unauthorized', `No valid API credential provided: this key has ${length} characters; SmartRecruiters API keys (and the simulator's) have ${expected}`),
  );
}
export const FORBIDDEN_BODY = JSON.stringify(
  srError('forbidden', "The API credential doesn't have the access right to perform the request."),
);
export const NO_API_FEATURE_BODY = JSON.stringify(
  srError('forbidden', 'No access to feature: Customer API'),
);
export const TOO_MANY_REQUESTS_BODY = JSON.stringify(
  srError('too_many_requests', 'Too many requests'),
);
export const NOT_FOUND_BODY = JSON.stringify(srError('not_found', 'Not Found'));
export const METHOD_NOT_ALLOWED_BODY = JSON.stringify(
  srError('method_not_allowed', 'Method Not Allowed'),
);
// Gateways in front of the real API answer 5xx without the `errors` array; clients must cope.
export const SERVICE_UNAVAILABLE_BODY = JSON.stringify({ message: 'Service Unavailable' });

const bodiesByStatus = new Map<number, string>();

/** The body for an `error` key's status: 5xx as `{message}`, 4xx as `{message, errors}`. */
export function bodyForStatus(status: number): string {
  // Statuses the real API words in its own way keep that wording.
  if (status === 401) return UNAUTHORIZED_BODY;
  if (status === 403) return FORBIDDEN_BODY;
  if (status === 404) return NOT_FOUND_BODY;
  if (status === 429) return TOO_MANY_REQUESTS_BODY;
  if (status === 503) return SERVICE_UNAVAILABLE_BODY;
  let body = bodiesByStatus.get(status);
  if (body === undefined) {
    const message = STATUS_CODES[status] ?? `HTTP ${status}`;
    const code = message.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
    body = JSON.stringify(status >= 500 ? { message } : srError(code, message));
    bodiesByStatus.set(status, body);
  }
  return body;
}
