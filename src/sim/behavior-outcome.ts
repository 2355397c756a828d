import {
  FORBIDDEN_BODY,
  NO_API_FEATURE_BODY,
  SERVICE_UNAVAILABLE_BODY,
  TOO_MANY_REQUESTS_BODY,
  UNAUTHORIZED_BODY,
  bodyForStatus,
  wrongLengthBody,
} from './error-bodies.js';
import { companyConfiguration, companyForKey, currentUser } from './fake-identities.js';
import type { ResolvedKeyBehavior } from './key-behaviors.js';
import { SIM_KEY_LENGTH } from './key-convention.js';

/** The SmartRecruiters routes the simulator answers. */
export type SimRoute = 'company' | 'me';

export interface Outcome {
  status: number;
  body: string;
  /** Extra delay for this response, on top of the global latency. */
  latencyMs?: number;
  retryAfter?: number;
}

const UNAUTHORIZED: Outcome = { status: 401, body: UNAUTHORIZED_BODY };

/**
 * What SmartRecruiters answers `key` on `route`. `nextHit` is called only for stateful kinds
 * (flaky, rate_limited), so plain keys never allocate a counter.
 */
export function outcomeFor(
  key: string,
  behavior: ResolvedKeyBehavior | undefined,
  route: SimRoute,
  nextHit: () => number,
): Outcome {
  if (!behavior) {
    return key === '' || key.length === SIM_KEY_LENGTH ? UNAUTHORIZED : { status: 401, body: wrongLengthBody(key.length, SIM_KEY_LENGTH) };
  }
  switch (behavior.kind) {
    case 'valid':
      return success(key, behavior, route, true);
    case 'invalid':
      return UNAUTHORIZED;
    case 'forbidden':
      // The key is real but its role cannot read the company; who owns it is still readable,
      // which is how an integrator finds out which role or access group is missing.
      return route === 'company'
        ? { status: 403, body: FORBIDDEN_BODY }
        : success(key, behavior, route, false);
    case 'no_api_feature':
      return { status: 403, body: NO_API_FEATURE_BODY };
    case 'flaky':
      return nextHit() < behavior.failures
        ? { status: 503, body: SERVICE_UNAVAILABLE_BODY }
        : success(key, behavior, route, true);
    case 'slow':
      return { ...success(key, behavior, route, true), latencyMs: behavior.latencyMs };
    case 'rate_limited': {
      if (behavior.times !== undefined && nextHit() >= behavior.times) {
        return success(key, behavior, route, true);
      }
      const outcome: Outcome = { status: 429, body: TOO_MANY_REQUESTS_BODY };
      if (behavior.retryAfter !== null) outcome.retryAfter = behavior.retryAfter;
      return outcome;
    }
    case 'error':
      return { status: behavior.status, body: bodyForStatus(behavior.status) };
  }
}

function success(
  key: string,
  behavior: ResolvedKeyBehavior,
  route: SimRoute,
  canReadCompany: boolean,
): Outcome {
  const company = behavior.company ?? companyForKey(key);
  const body = route === 'company'
    ? companyConfiguration(company)
    : currentUser(key, company, canReadCompany);
  return { status: 200, body: JSON.stringify(body) };
}
