import { LINK_ERROR_CODES } from '../../domain/link-errors.js';
import type { ConnectRequest } from '../../client/index.js';

export interface DemoReport {
  tenants: number;
  elapsedMs: number;
  /** Final outcomes seen through the API: `linked` or `failed:<code>`. */
  outcomes: Record<string, number>;
  /** What the key mix should produce. */
  expected: Record<string, number>;
  /** Linked requests that needed more than one provider call. */
  retried: number;
  /** insufficient_permissions failures because the company has no API access at all (not the key's role). */
  noApiAccess: number;
  /** What the key mix should produce of those. */
  expectedNoApiAccess: number;
  confirmation: { confirmed: number; unconfirmed: number; pending: number; not_required: number };
  webhooks: { verified: number; rejected: number; deliveries: number };
  providerCalls: number;
  apiUrl: string;
  simUrl: string;
  receiverUrl: string;
  platformToken: string;
  adminToken: string;
  batchIds: string[];
  keep: boolean;
}

const MEANING: Record<string, string> = {
  linked: 'key works: account stored, key encrypted',
  'failed:invalid_credentials': 'wrong key: SmartRecruiters said 401',
  'failed:insufficient_permissions': 'SmartRecruiters said 403: the key is valid but may not read the company',
  'failed:provider_error': 'SmartRecruiters refused the request (other 4xx)',
  'failed:provider_unavailable': 'SmartRecruiters kept failing; gave up',
  'failed:canceled': 'canceled',
};

/** SmartRecruiters' own words for a company without the Customer API, kept in the request's error message. */
export const lacksApiAccess = (request: Pick<ConnectRequest, 'error'>) =>
  request.error?.code === 'insufficient_permissions' && request.error.message.includes('No access to feature');

const row = (label: string, value: string | number, note = '') => `  ${label.padEnd(34)} ${String(value).padStart(6)}  ${note}`.trimEnd();

/** The demo's closing text: what happened, whether it is what should have happened, where to look. */
export function formatSummary(r: DemoReport): string {
  const order = ['linked', ...LINK_ERROR_CODES.map((c) => `failed:${c}`)];
  const keys = order.filter((k) => (r.outcomes[k] ?? 0) > 0 || (r.expected[k] ?? 0) > 0);
  const seconds = (r.elapsedMs / 1000).toFixed(1);
  const token = `authorization: Bearer ${r.platformToken}`;
  const lines = [
    '',
    `account-linker demo: ${r.tenants} tenants through the whole pipeline in ${seconds} s: ${r.outcomes.linked ?? 0} linked, ${r.tenants - (r.outcomes.linked ?? 0)} failed`,
    '(API → Redis → BullMQ validate worker → SmartRecruiters simulator → signed webhook → confirmation)',
    '',
    row('connect requests', 'count', 'what it means'),
    ...keys.flatMap((k) => [row(k.replace('failed:', 'failed  '), r.outcomes[k] ?? 0, MEANING[k] ?? ''), ...details(r, k)]),
    row('calls to SmartRecruiters (sim)', r.providerCalls, 'one per check, plus the retries'),
    '',
    row('webhooks verified', r.webhooks.verified, 'Standard Webhooks signatures checked by the local receiver'),
    row('webhooks rejected', r.webhooks.rejected, r.webhooks.rejected ? 'signature did not verify!' : 'none'),
    row('confirmed', r.confirmation.confirmed, 'the receiver acknowledged the result with a 2xx'),
    ...(r.confirmation.unconfirmed ? [row('unconfirmed', r.confirmation.unconfirmed, 'every delivery attempt failed')] : []),
    '',
    ...(demoSucceeded(r)
      ? ['  ✓ every tenant ended exactly as its key dictates, and every result was delivered and confirmed.']
      : demoProblems(r).map((problem) => `  ✗ ${problem}`)),
    '',
    // Without --keep everything has stopped by now: addresses and tokens would lead nowhere.
    ...(r.keep
      ? [
          'Still running (Ctrl-C stops it). Have a look:',
          `  API          ${r.apiUrl}`,
          `  API docs     ${r.apiUrl}/docs`,
          `  metrics      ${r.apiUrl}/metrics`,
          `  queues       ${r.apiUrl}/admin/login  (admin token ${r.adminToken})`,
          `  a batch      curl -H '${token}' ${r.apiUrl}/v1/batches/${r.batchIds[0] ?? ''}`,
          `  failures     curl -H '${token}' '${r.apiUrl}/v1/connect-requests?status=failed&limit=5'`,
          `  simulator    ${r.simUrl}`,
          `  receiver     ${r.receiverUrl}`,
        ]
      : [
          'Everything has stopped. To look around (API docs, metrics, queues, the requests themselves), run',
          '`npm run demo -- --keep`; LINKER_PORT=3000 (or --sim-port / --receiver-port) pins the addresses.',
        ]),
    '',
  ];
  return lines.join('\n');
}

/** Rows under an outcome that say what it is made of. */
function details(r: DemoReport, key: string): string[] {
  if (key === 'linked') return [row('  of these, after a retry', r.retried, 'SmartRecruiters answered 503 first; retried with backoff, then linked')];
  if (key !== 'failed:insufficient_permissions') return [];
  const total = r.outcomes[key] ?? 0;
  return [
    row('  of these, role or access group', total - r.noApiAccess, "the credential's System Role / Access Group cannot read the company"),
    row('  of these, no API access', r.noApiAccess, 'the company has no Customer API ("No access to feature"); SmartRecruiters must enable it'),
  ];
}

/** What went differently from what the key mix dictates; empty when the run was right. */
export function demoProblems(r: DemoReport): string[] {
  const keys = new Set([...Object.keys(r.outcomes), ...Object.keys(r.expected)]);
  const off = [...keys].filter((k) => (r.outcomes[k] ?? 0) !== (r.expected[k] ?? 0));
  return [
    ...off.map((k) => `${k}: ${r.outcomes[k] ?? 0} instead of ${r.expected[k] ?? 0}`),
    ...(r.noApiAccess !== r.expectedNoApiAccess ? [`no API access: ${r.noApiAccess} instead of ${r.expectedNoApiAccess}`] : []),
    ...(r.confirmation.confirmed !== r.tenants ? [`${r.tenants - r.confirmation.confirmed} results not confirmed by the receiver`] : []),
    ...(r.webhooks.rejected ? [`${r.webhooks.rejected} webhook deliveries failed signature verification`] : []),
  ];
}

export const demoSucceeded = (r: DemoReport) => demoProblems(r).length === 0;
