import { describe, expect, it } from 'vitest';
import { demoSucceeded, formatSummary, type DemoReport } from '../../src/cli/demo/summary.js';

const report: DemoReport = {
  tenants: 10,
  elapsedMs: 1234,
  outcomes: { linked: 7, 'failed:invalid_credentials': 1, 'failed:insufficient_permissions': 2 },
  expected: { linked: 7, 'failed:invalid_credentials': 1, 'failed:insufficient_permissions': 2 },
  retried: 1,
  confirmation: { confirmed: 10, unconfirmed: 0, pending: 0, not_required: 0 },
  webhooks: { verified: 10, rejected: 0, deliveries: 10 },
  providerCalls: 11,
  apiUrl: 'http://127.0.0.1:3000',
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

  it.each([
    ['a request ended differently', { outcomes: { ...report.outcomes, linked: 6, 'failed:provider_unavailable': 1 } }, 'linked: 6 instead of 7'],
    ['a result was not confirmed', { confirmation: { ...report.confirmation, confirmed: 9, unconfirmed: 1 } }, '1 results not confirmed'],
    ['a signature did not verify', { webhooks: { ...report.webhooks, rejected: 1 } }, '1 webhook deliveries failed signature verification'],
  ])('reports a failure when %s, naming it', (_, change, says) => {
    const bad = { ...report, ...change };
    expect(demoSucceeded(bad)).toBe(false);
    expect(formatSummary(bad)).toContain(`✗ ${says}`);
  });
});
