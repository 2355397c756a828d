import { createHash } from 'node:crypto';
import { readRows, type Row } from './read-rows.js';
import { badFile } from './bulk-exit.js';

export interface FileScan {
  /** SHA-256 of the file's bytes: its identity for idempotency keys and the resume state. */
  sha256: string;
  /** Data rows, good and bad (header and blank lines excluded). */
  rows: number;
}

/**
 * Reads the whole file once before anything is sent, so a file that turns out to be unusable
 * half-way (binary data, an overlong line) is refused with nothing created.
 */
export async function scanFile(file: string, options: { maxLineBytes?: number } = {}): Promise<FileScan> {
  const hash = createHash('sha256');
  let rows = 0;
  const all: AsyncGenerator<Row> = readRows(file, { ...options, onChunk: (chunk) => hash.update(chunk) });
  for await (const _row of all) rows++;
  if (rows === 0) throw badFile(file, 'holds no rows (a CSV needs a header line and at least one row)');
  return { sha256: hash.digest('hex'), rows };
}
