import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { runBulkCli, storedRequests } from '../helpers/bulk-cli.js';

let h: Harness;
const dir = mkdtempSync(join(tmpdir(), 'bulk-cli-bad-'));

beforeAll(async () => {
  h = await startHarness('bulk-cli-bad');
});
afterAll(async () => h?.close());

describe('bad files and options: a clear error, exit code 2, nothing created', () => {
  it.each([
    ['empty.csv', '', /holds no rows/],
    ['binary.csv', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x0a, 0x01]), /binary data/],
    ['columns.csv', `tenant,key\nt1,${simKey('valid', 'cols')}\n`, /must name the columns tenant_id and api_key/],
    ['huge-line.csv', `tenant_id,api_key\nbad-1,${simKey('valid', 'huge-1')}\nbad-2,${'x'.repeat(10 * 1024 * 1024)}\n`, /line 3 is longer than/],
  ])('%s', async (name, content, message) => {
    const before = (await storedRequests(h)).length;
    const file = join(dir, name);
    writeFileSync(file, content);
    const out = join(dir, `${name}.results.csv`);
    const run = await runBulkCli([file, '--api', h.url, '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('nothing was sent');
    expect(existsSync(out)).toBe(false);
    expect((await storedRequests(h)).length).toBe(before);
  });

  it('a missing token is exit code 2; a wrong one is exit code 3 naming the token', async () => {
    const file = join(dir, 'token.csv');
    writeFileSync(file, `tenant_id,api_key\nt,${simKey('valid', 'token')}\n`);
    const none = await runBulkCli([file, '--api', h.url, '--out', join(dir, 'token-out.csv')], { LINKER_TOKEN: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--token or set LINKER_TOKEN');
    const wrong = await runBulkCli([file, '--api', h.url, '--token', 'wrong-token-000000000000', '--out', join(dir, 'token-out.csv')]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('refused the platform token (401)');
  });
});
