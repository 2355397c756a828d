import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { onTestFinished } from 'vitest';

/** Where every reliability and security test appends its row; scripts/security-report.ts renders it. */
export const SECURITY_TABLE_FILE = resolve(import.meta.dirname, '../../test-results/security-table.jsonl');

export type SecurityGroup = 'fault' | 'bad input' | 'attack' | 'secrets';

export interface SecurityRow {
  group: SecurityGroup;
  case: string;
  /** Runs, inputs or requests the case was exercised with. */
  runs: number;
  /** What was checked, in a few words. */
  checked: string;
}

/**
 * Registers a row for the running test. The row is written when the test finishes, with the
 * test's real result, so a failing case shows as failed in the README table rather than vanishing.
 * Set `row.runs` as inputs are exercised.
 */
export function securityRow(group: SecurityGroup, name: string, checked: string): SecurityRow {
  const row: SecurityRow = { group, case: name, runs: 0, checked };
  onTestFinished(({ task }) => {
    const state = task.result?.state;
    const result = state === 'pass' ? 'pass' : state === 'skip' ? 'skipped' : 'FAIL';
    mkdirSync(dirname(SECURITY_TABLE_FILE), { recursive: true });
    appendFileSync(SECURITY_TABLE_FILE, `${JSON.stringify({ ...row, result, at: new Date().toISOString() })}\n`);
  });
  return row;
}
