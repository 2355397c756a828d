import type { CheckOutcome } from '../provider.js';
import { parseRetryAfter } from '../../domain/retry-after.js';

export interface ProviderResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** SmartRecruiters error bodies are `{message, errors:[{code, message}]}`. */
function providerMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') return body.message.slice(0, 300);
  return undefined;
}

function companyOf(body: unknown): { identifier: string; name: string } | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { identifier, name } = body as Record<string, unknown>;
  if (typeof identifier === 'string' && typeof name === 'string') return { identifier, name };
  return undefined;
}

/** Maps an answer of `GET /configuration/company` to an outcome, as DESIGN §4 prescribes. */
export function classifyResponse(res: ProviderResponse, now = Date.now()): CheckOutcome {
  const said = providerMessage(res.body);
  const { status } = res;
  if (status >= 200 && status < 300) {
    const company = companyOf(res.body);
    if (company) return { kind: 'success', httpStatus: status, company };
    return { kind: 'retryable', httpStatus: status, message: 'SmartRecruiters answered 2xx without a company identifier and name' };
  }
  if (status === 401) {
    return { kind: 'final', httpStatus: status, code: 'invalid_credentials', message: `SmartRecruiters rejected the API key (401${said ? `: ${said}` : ''})` };
  }
  if (status === 403) {
    const noFeature = said?.startsWith('No access to feature');
    return {
      kind: 'final',
      httpStatus: status,
      code: 'insufficient_permissions',
      message: noFeature
        ? `The company has no SmartRecruiters API access (403: ${said}); ask SmartRecruiters to enable the Customer API`
        : `The API key cannot read the company (403${said ? `: ${said}` : ''}); give the credential a System Role and Access Group with company access`,
    };
  }
  if (status === 429) {
    return { kind: 'rate_limited', httpStatus: 429, retryAfterMs: parseRetryAfter(res.headers['retry-after'], now), message: 'SmartRecruiters rate limit reached (429)' };
  }
  if (status >= 500) return { kind: 'retryable', httpStatus: status, message: `SmartRecruiters answered ${status}${said ? `: ${said}` : ''}` };
  return { kind: 'final', httpStatus: status, code: 'provider_error', message: `SmartRecruiters answered ${status}${said ? `: ${said}` : ''}` };
}

/** Timeouts, refused connections and resets: the provider may be fine a moment later. */
export function classifyNetworkError(error: unknown, timeoutMs: number): CheckOutcome {
  const code = (error as { code?: string }).code;
  const message = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT'
    ? `SmartRecruiters did not answer within ${timeoutMs} ms`
    : `could not reach SmartRecruiters (${code ?? (error as Error).message})`;
  return { kind: 'retryable', httpStatus: null, message };
}
