import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { testEnvVars } from '../helpers/test-env.js';
import { parseResults, runBulkCli, startWorkerProcess, storedRequests } from '../helpers/bulk-cli.js';

let h: Harness;
let worker: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
const dir = mkdtempSync(join(tmpdir(), 'bulk-cli-'));

beforeAll(async () => {
  const env = testEnvVars('bulk-cli', { LINKER_CONCURRENCY: '200', LINKER_VALIDATION_ATTEMPTS: '3', LINKER_LOG_LEVEL: 'warn' });
  h = await startHarness('bulk-cli', { env, workers: false });
  worker = await startWorkerProcess({ ...env, SMARTRECRUITERS_BASE_URL: h.sim.url });
});
afterAll(async () => {
  await worker?.stop();
  await h?.close();
});

type Expect = { tenant: string; status: string; code: string };

/** 10,000 data rows: valid, invalid, forbidden and flaky keys, plus rows the CLI must reject. */
function tenThousandRows(): { csv: string; expected: Map<number, Expect> } {
  const lines = ['tenant_id,api_key,plan'];
  const expected = new Map<number, Expect>();
  for (let i = 0; i < 10_000; i++) {
    const line = i + 2;
    const tenant = `tenant-${i}`;
    const kind = i % 20;
    if (kind === 19) {
      const bad = Math.floor(i / 20) % 3;
      if (bad === 0) {
        lines.push(`${tenant},,gold`);
        expected.set(line, { tenant, status: 'rejected', code: 'missing_api_key' });
      } else if (bad === 1) {
        lines.push(`tenant-${i - 1},${simKey('valid', `dup-${i}`)},gold`);
        expected.set(line, { tenant: `tenant-${i - 1}`, status: 'rejected', code: 'duplicate_tenant' });
      } else {
        lines.push(`"${tenant},oops`);
        expected.set(line, { tenant: '', status: 'rejected', code: 'malformed_line' });
      }
      continue;
    }
    const [prefix, status, code] =
      kind < 14 ? ['valid', 'linked', ''] : kind < 16 ? ['invalid', 'failed', 'invalid_credentials'] : kind === 16 ? ['forbidden', 'failed', 'insufficient_permissions'] : kind === 17 ? ['flaky1', 'linked', ''] : ['short', 'rejected', 'invalid_input'];
    lines.push(`${tenant},${prefix === 'short' ? 'too-short' : simKey(prefix, `e2e-${i}`)},gold`);
    expected.set(line, { tenant, status, code });
  }
  return { csv: `${lines.join('\n')}\n`, expected };
}

describe('account-linker bulk against the simulator', () => {
  it('links a 10,000-row file end to end: every row in the results with the right status, batch counts matching', async () => {
    const { csv, expected } = tenThousandRows();
    const file = join(dir, 'tenants.csv');
    const out = join(dir, 'results.csv');
    writeFileSync(file, csv);

    const run = await runBulkCli([file, '--api', h.url, '--wait', '--out', out, '--poll-interval', '200']);
    expect(run.code, run.stderr).toBe(1);

    const results = parseResults(readFileSync(out, 'utf8'));
    expect(results).toHaveLength(10_000);
    for (const r of results) {
      const want = expected.get(Number(r.line))!;
      expect({ line: r.line, tenant: r.tenant_id, status: r.status, code: r.error_code }).toEqual({ line: r.line, ...want });
      if (r.status === 'linked' || r.status === 'failed') {
        expect(r.request_id).toMatch(/^cr_/);
        expect(r.confirmation).toBe('not_required');
      } else expect(r.request_id).toBe('');
    }
    expect(readFileSync(out, 'utf8')).not.toContain(simKey('valid', 'e2e-0'));

    // The API agrees: batch totals and counts add up to the results file.
    const batchIds = readFileSync(`${out}.state`, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l).batchId as string);
    expect(batchIds).toHaveLength(10);
    const sums = { total: 0, linked: 0, failed: 0, complete: 0 };
    for (const id of batchIds) {
      const batch = (await h.api('GET', `/v1/batches/${id}`)).body;
      sums.total += batch.total;
      sums.linked += batch.counts.linked;
      sums.failed += batch.counts.failed;
      if (batch.completedAt) sums.complete++;
    }
    const count = (status: string) => results.filter((r) => r.status === status).length;
    expect(sums).toEqual({ total: count('linked') + count('failed'), linked: count('linked'), failed: count('failed'), complete: 10 });
    expect((await storedRequests(h)).length).toBe(sums.total);

    // The summary names the failures by code; progress lines are plain when not on a terminal.
    expect(run.stderr).toMatch(/10000 rows from .*: 7500 linked, 1500 failed, 1000 rejected/);
    expect(run.stderr).toMatch(/invalid_credentials\s+1000\n/);
    expect(run.stderr).toMatch(/missing_api_key\s+167\n/);
    expect(run.stderr).toMatch(/progress: submitted \d+\/10000, linked \d+, failed \d+, confirmed \d+/);
    // No endpoint: every result is not_required, which counts as confirmed (nothing left to wait for).
    expect(run.stderr).toMatch(/progress: submitted 10000\/10000, linked 7500, failed 2500, confirmed 9000, /);
    expect(run.stderr).not.toContain(simKey('valid', 'e2e-0'));
  }, 180_000); // 10,000 links end to end: ~26 s alone, several times that while other suites share the two cores

  it('without --wait: submits, writes queued rows, exits 0 when nothing was rejected', async () => {
    const file = join(dir, 'small.jsonl');
    const out = join(dir, 'small-results.csv');
    writeFileSync(file, [0, 1, 2].map((i) => JSON.stringify({ tenant_id: `nowait-${i}`, api_key: simKey('valid', `nowait-${i}`), region: 'eu' })).join('\n'));
    const run = await runBulkCli([file, '--api', h.url, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const results = parseResults(readFileSync(out, 'utf8'));
    expect(results.map((r) => [r.line, r.tenant_id, r.status])).toEqual([
      ['1', 'nowait-0', 'queued'],
      ['2', 'nowait-1', 'queued'],
      ['3', 'nowait-2', 'queued'],
    ]);
    const request = (await h.api('GET', `/v1/connect-requests/${results[0]!.request_id}`)).body;
    expect(request.metadata).toEqual({ region: 'eu' });
  });
});
