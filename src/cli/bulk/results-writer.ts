import { createWriteStream, renameSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export interface ResultRow {
  line: number;
  tenantId: string;
  requestId: string;
  /** A request status (queued … linked, failed), or `rejected` for a row never accepted. */
  status: string;
  errorCode: string;
  errorMessage: string;
  confirmation: string;
}

export const RESULT_COLUMNS = ['line', 'tenant_id', 'request_id', 'status', 'error_code', 'error_message', 'confirmation'] as const;

const cell = (value: string | number) => {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * Writes the results CSV to a temporary file and moves it into place at the end, so the results
 * file is either the previous complete one or the new complete one, never half of either.
 */
export class ResultsWriter {
  private readonly out: WriteStream;
  private readonly tmp: string;

  constructor(private readonly path: string) {
    this.tmp = `${path}.tmp`;
    this.out = createWriteStream(this.tmp);
    this.out.write(`${RESULT_COLUMNS.join(',')}\n`);
  }

  async write(row: ResultRow): Promise<void> {
    const line = [row.line, row.tenantId, row.requestId, row.status, row.errorCode, row.errorMessage, row.confirmation].map(cell).join(',');
    if (!this.out.write(`${line}\n`)) await once(this.out, 'drain');
  }

  async finish(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
    renameSync(this.tmp, this.path);
  }
}
