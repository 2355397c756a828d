import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { parseResults, runBulkCli, startBulkCli, storedRequests } from '../helpers/bulk-cli.js';

let h: Harness;
const dir = mkdtempSync(join(tmpdir(), 'bulk-resume-'));
const ROWS = 3000;
const BATCH = 50;

beforeAll(async () => {
  h = await startHarness('bulk-resume', { env: { LINKER_CONCURRENCY: '100', LINKER_LOG_LEVEL: 'warn' } });
});
afterAll(async () => h?.close());

const answeredBatches = (state: string) => (existsSync(state) ? readFileSync(state, 'utf8').split('\n').filter(Boolean).length - 1 : 0);

describe('killing the CLI half-way and running it again', () => {
  it('creates no connect request twice, and the results file is complete', async () => {
    const file = join(dir, 'tenants.csv');
    const out = join(dir, 'results.csv');
    const rows = Array.from({ length: ROWS }, (_, i) => `resume-${i},${simKey('valid', `resume-${i}`)}`);
    writeFileSync(file, `tenant_id,api_key\n${rows.join('\n')}\n`);
    const args = [file, '--api', h.url, '--out', out, '--batch-size', String(BATCH), '--concurrency', '1'];

    const first = startBulkCli(args);
    await waitFor(async () => answeredBatches(`${out}.state`) >= 10, { timeoutMs: 30_000, intervalMs: 5, what: 'ten answered batches' });
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const answeredBeforeKill = answeredBatches(`${out}.state`);
    expect(answeredBeforeKill).toBeLessThan(ROWS / BATCH);
    const createdBeforeKill = (await storedRequests(h)).length;
    expect(createdBeforeKill).toBeGreaterThan(0);
    expect(createdBeforeKill).toBeLessThan(ROWS);

    const second = await runBulkCli([...args, '--wait', '--poll-interval', '200']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/resuming: \d+ batch\(es\) already answered/);

    const stored = await storedRequests(h);
    expect(stored).toHaveLength(ROWS);
    expect(new Set(stored.map((r) => r.tenantId)).size).toBe(ROWS);

    const results = parseResults(readFileSync(out, 'utf8'));
    expect(results).toHaveLength(ROWS);
    expect(results.map((r) => r.tenant_id)).toEqual(rows.map((r) => r.split(',')[0]));
    expect(results.every((r) => r.status === 'linked' && r.request_id?.startsWith('cr_'))).toBe(true);
    expect(new Set(results.map((r) => r.request_id))).toEqual(new Set(stored.map((r) => r.id)));
  });

  it('a third run sends nothing and rewrites the same results', async () => {
    const file = join(dir, 'tenants.csv');
    const out = join(dir, 'results.csv');
    const before = readFileSync(out, 'utf8');
    const third = await runBulkCli([file, '--api', h.url, '--out', out, '--wait', '--poll-interval', '200']);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toContain(`keeping the earlier run's batch size ${BATCH}`);
    expect(await storedRequests(h)).toHaveLength(ROWS);
    expect(readFileSync(out, 'utf8')).toBe(before);
  });

  it('without the state file, the idempotency keys alone keep a re-run from creating anything', async () => {
    const file = join(dir, 'lost-state.csv');
    writeFileSync(file, `tenant_id,api_key\n${Array.from({ length: 120 }, (_, i) => `lost-${i},${simKey('slow300', `lost-${i}`)}`).join('\n')}\n`);
    const args = [file, '--api', h.url, '--batch-size', String(BATCH)];
    const first = await runBulkCli([...args, '--out', join(dir, 'lost-a.csv')]);
    expect(first.code, first.stderr).toBe(0);
    const afterFirst = (await storedRequests(h)).length;
    // A fresh results path means a fresh state: every batch is sent again, under the same keys.
    const again = await runBulkCli([...args, '--out', join(dir, 'lost-b.csv')]);
    expect(again.code, again.stderr).toBe(0);
    expect((await storedRequests(h)).length).toBe(afterFirst);
    expect(readFileSync(join(dir, 'lost-b.csv'), 'utf8')).toBe(readFileSync(join(dir, 'lost-a.csv'), 'utf8'));
    expect(readFileSync(join(dir, 'lost-b.csv'), 'utf8')).not.toContain('in_flight');
  });
});
