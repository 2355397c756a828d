import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRows, type Row } from '../../src/cli/bulk/read-rows.js';
import { scanFile } from '../../src/cli/bulk/scan-file.js';
import { BulkExitError } from '../../src/cli/bulk/bulk-exit.js';
import { batchIdempotencyKey } from '../../src/cli/bulk/batch-idempotency.js';

const dir = mkdtempSync(join(tmpdir(), 'bulk-rows-'));
let n = 0;
function file(content: string | Buffer, ext = '.csv'): string {
  const path = join(dir, `f${n++}${ext}`);
  writeFileSync(path, content);
  return path;
}
async function rows(path: string, maxLineBytes?: number): Promise<Row[]> {
  const out: Row[] = [];
  for await (const row of readRows(path, { maxLineBytes })) out.push(row);
  return out;
}
const KEY = 'k'.repeat(32);

describe('reading CSV', () => {
  it('reads rows with their line numbers; extra columns become metadata; blank lines are skipped', async () => {
    const path = file(`\uFEFFtenant_id,api_key,plan,region\r\nt1,${KEY},gold,\r\n\r\n"t,2", ${KEY} ,,eu\n`);
    expect(await rows(path)).toEqual([
      { line: 2, ok: true, tenantId: 't1', apiKey: KEY, metadata: { plan: 'gold' } },
      { line: 4, ok: true, tenantId: 't,2', apiKey: KEY, metadata: { region: 'eu' } },
    ]);
  });

  it('reports bad rows with their line number and a code, and keeps going', async () => {
    const path = file(`api_key,tenant_id\n${KEY},a\n,b\n${KEY},\n${KEY},a\n"${KEY},c\n${KEY},d,extra\n${KEY},e\n`);
    const result = await rows(path);
    expect(result.map((r) => [r.line, r.ok ? 'ok' : r.error.code])).toEqual([
      [2, 'ok'],
      [3, 'missing_api_key'],
      [4, 'missing_tenant_id'],
      [5, 'duplicate_tenant'],
      [6, 'malformed_line'],
      [7, 'malformed_line'],
      [8, 'ok'],
    ]);
    const dup = result[3]!;
    expect(!dup.ok && dup.error.message).toContain('line 2');
    for (const r of result) if (!r.ok) expect(r.error.message).not.toContain(KEY);
  });

  it('refuses a header without tenant_id and api_key, naming what it found', async () => {
    const err = await rows(file(`tenant,key\nt1,${KEY}\n`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BulkExitError);
    expect((err as BulkExitError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(/tenant_id and api_key.*found tenant, key/);
  });
});

describe('reading JSONL', () => {
  it('takes snake_case or camelCase fields; other fields join metadata', async () => {
    const path = file(`{"tenant_id":"a","api_key":"${KEY}","metadata":{"x":1},"plan":"p"}\n{"tenantId":"b","apiKey":"${KEY}"}\nnot json\n[1]\n{"tenant_id":7,"api_key":"${KEY}"}\n`, '.jsonl');
    const result = await rows(path);
    expect(result.slice(0, 2)).toEqual([
      { line: 1, ok: true, tenantId: 'a', apiKey: KEY, metadata: { x: 1, plan: 'p' } },
      { line: 2, ok: true, tenantId: 'b', apiKey: KEY },
    ]);
    expect(result.slice(2).map((r) => [r.line, !r.ok && r.error.code])).toEqual([
      [3, 'malformed_line'],
      [4, 'malformed_line'],
      [5, 'malformed_line'],
    ]);
  });

  it('detects JSONL by content when the extension says nothing', async () => {
    expect(await rows(file(`{"tenant_id":"a","api_key":"${KEY}"}\n`, '.txt'))).toHaveLength(1);
  });

  it('refuses objects with neither field as the wrong columns', async () => {
    await expect(rows(file(`{"name":"a","key":"${KEY}"}\n`, '.jsonl'))).rejects.toThrow(/neither a tenant_id nor an api_key.*found: name, key/);
  });
});

describe('files that are not tenant files', () => {
  it.each([
    ['empty', '', /holds no rows/],
    ['header only', 'tenant_id,api_key\n', /holds no rows/],
    ['blank lines only', '\n\n  \n', /holds no rows/],
    ['binary', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x10, 0x0a, 0x41]), /binary data/],
    ['not UTF-8', Buffer.from([0x74, 0x65, 0x6e, 0xff, 0xfe, 0x0a]), /not UTF-8/],
    ['a 10 MB line', `tenant_id,api_key\nt1,${KEY}\nt2,${'x'.repeat(10 * 1024 * 1024)}\n`, /line 3 is longer than 65536 bytes/],
    ['a 10 MB last line without newline', `tenant_id,api_key\n${'x'.repeat(10 * 1024 * 1024)}`, /line 2 is longer/],
  ])('%s: a clear error and exit code 2', async (_name, content, message) => {
    const err = await scanFile(file(content)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BulkExitError);
    expect((err as BulkExitError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain('nothing was sent');
  });

  it('a missing file is a clear error', async () => {
    await expect(scanFile(join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: no such file/);
  });
});

describe('file identity and batch keys', () => {
  it('the same content gives the same hash and keys; any change gives new ones', async () => {
    const a = await scanFile(file(`tenant_id,api_key\nt1,${KEY}\n`));
    const b = await scanFile(file(`tenant_id,api_key\nt1,${KEY}\n`));
    const c = await scanFile(file(`tenant_id,api_key\nt2,${KEY}\n`));
    expect(a).toEqual({ sha256: b.sha256, rows: 1 });
    expect(c.sha256).not.toBe(a.sha256);
    expect(batchIdempotencyKey(a.sha256, 2, 1001)).toBe(batchIdempotencyKey(b.sha256, 2, 1001));
    expect(batchIdempotencyKey(a.sha256, 2, 1001)).not.toBe(batchIdempotencyKey(a.sha256, 1002, 2001));
    expect(batchIdempotencyKey(a.sha256, 2, 1001)).not.toBe(batchIdempotencyKey(c.sha256, 2, 1001));
    expect(batchIdempotencyKey(a.sha256, 2, 1001)).toMatch(/^[\x21-\x7e]{1,255}$/);
  });

  it('reads a line split across read chunks whole', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => `tenant-${i},${KEY}`).join('\n');
    const result = await rows(file(`tenant_id,api_key\n${many}\n`));
    expect(result).toHaveLength(5000);
    expect(result.every((r) => r.ok)).toBe(true);
    expect(result.at(-1)).toMatchObject({ line: 5001, tenantId: 'tenant-4999' });
  });
});
