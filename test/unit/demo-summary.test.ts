import { describe, expect, it } from 'vitest';
import { demoSucceeded, formatSummary, lacksApiAccess, type DemoReport } from '../../src/cli/demo/summary.js';
import { demoPorts } from '../../src/cli/demo/run-demo.js';

const report: DemoReport = {
  tenants: 10,
  elapsedMs: 1234,
  outcomes: { linked: 7, 'failed:invalid_credentials': 1, 'failed:insufficient_permissions': 2 },
  expected: { linked: 7, 'failed:invalid_credentials': 1, 'failed:insufficient_permissions': 2 },
  retried: 1,
  noApiAccess: 1,
  expectedNoApiAccess: 1,
  confirmation: { confirmed: 10, unconfirmed: 0, pending: 0, not_required: 0 },
  webhooks: { verified: 10, rejected: 0, deliveries: 10 },
  providerCalls: 11,
  apiUrl: 'http://127.0.0.1:3000',
  simUrl: 'http://127.0.0.1:3001',
  receiverUrl: 'http://127.0.0.1:3002/webhooks/account-linker',
  platformToken: 'demo-token',
  adminToken: 'admin-token',
  batchIds: ['bat_1'],
  keep: false,
};

describe('demo summary', () => {
  it('says the run matched when every outcome and confirmation is as the keys dictate', () => {
    expect(demoSucceeded(report)).toBe(true);
    const text = formatSummary(report);
    expect(text).toContain('10 tenants through the whole pipeline in 1.2 s: 7 linked, 3 failed');
    expect(text).toContain('✓');
    expect(text).toContain('npm run demo -- --keep');
  });

  it('puts the retried links under the linked row and splits the 403s into role and no API access', () => {
    const rows = formatSummary(report).split('\n');
    const at = (start: RegExp) => rows.findIndex((line) => start.test(line));
    expect(at(/^ {4}of these, after a retry\s+1 /)).toBe(at(/^ {2}linked\s+7 /) + 1);
    expect(at(/^ {4}of these, role or access group\s+1 /)).toBe(at(/^ {2}failed {2}insufficient_permissions\s+2 /) + 1);
    expect(rows[at(/^ {4}of these, no API access\s+1 /)]).toContain('Customer API');
    expect(lacksApiAccess({ error: { code: 'insufficient_permissions', message: 'The company has no SmartRecruiters API access (403: No access to feature: Customer API); …' } })).toBe(true);
    expect(lacksApiAccess({ error: { code: 'insufficient_permissions', message: 'The API key cannot read the company (403)' } })).toBe(false);
  });

  it('shows addresses and tokens only while the servers still run (--keep)', () => {
    const stopped = formatSummary(report);
    for (const gone of ['demo-token', 'admin-token', 'http://127.0.0.1:3000', 'http://127.0.0.1:3001']) expect(stopped).not.toContain(gone);
    const kept = formatSummary({ ...report, keep: true });
    for (const live of ['demo-token', 'admin-token', 'http://127.0.0.1:3000/docs', 'http://127.0.0.1:3001', 'http://127.0.0.1:3002/webhooks/account-linker']) expect(kept).toContain(live);
  });

  it('pins the simulator and receiver next to LINKER_PORT, or leaves every port free', () => {
    expect(demoPorts({ LINKER_PORT: '4000' })).toEqual({ api: 4000, sim: 4001, receiver: 4002 });
    expect(demoPorts({ LINKER_PORT: '4000' }, { sim: 5000 })).toEqual({ api: 4000, sim: 5000, receiver: 4002 });
    expect(demoPorts({})).toEqual({ api: 0, sim: 0, receiver: 0 });
  });

  it.each([
    ['a request ended differently', { outcomes: { ...report.outcomes, linked: 6, 'failed:provider_unavailable': 1 } }, 'linked: 6 instead of 7'],
    ['a result was not confirmed', { confirmation: { ...report.confirmation, confirmed: 9, unconfirmed: 1 } }, '1 results not confirmed'],
    ['a signature did not verify', { webhooks: { ...report.webhooks, rejected: 1 } }, '1 webhook deliveries failed signature verification'],
    ['a 403 was explained wrong', { noApiAccess: 0 }, 'no API access: 0 instead of 1'],
  ])('reports a failure when %s, naming it', (_, change, says) => {
    const bad = { ...report, ...change };
    expect(demoSucceeded(bad)).toBe(false);
    expect(formatSummary(bad)).toContain(`✗ ${says}`);
  });
});
