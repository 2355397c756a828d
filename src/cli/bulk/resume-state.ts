import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/** What the API answered for one batch, compactly: request ids by item index, rejections by index. */
export interface BatchRecord {
  batch: number;
  batchId: string;
  /**
   * Request id of each item, space-separated, empty where the item was rejected. One string per
   * batch rather than an array of 1000 strings keeps 100,000 rows' worth of ids small in memory.
   */
  ids: string;
  rejected: Record<number, { code: string; message: string; inFlightId?: string }>;
}

interface Header {
  v: 1;
  file: string;
  batchSize: number;
}

/**
 * The resume state next to the results file: a header naming the input (content hash, batch size),
 * then one appended line per answered batch. Append-only and line-based, so a kill at any moment
 * loses at most a half-written last line, whose batch is simply sent again under its idempotency key.
 */
export class ResumeState {
  private constructor(
    readonly path: string,
    readonly batchSize: number,
    readonly batches: Map<number, BatchRecord>,
  ) {}

  /**
   * Opens the state for `fileSha256`. An earlier run over the same content is resumed with its
   * batch size (batches must keep their line ranges to keep their keys); state for other content
   * is replaced.
   */
  static open(path: string, fileSha256: string, batchSize: number): { state: ResumeState; resumed: boolean; replaced: boolean } {
    const existed = existsSync(path);
    const previous = existed ? ResumeState.load(path, fileSha256) : undefined;
    if (previous) return { state: previous, resumed: true, replaced: false };
    writeFileSync(path, `${JSON.stringify({ v: 1, file: fileSha256, batchSize } satisfies Header)}\n`);
    return { state: new ResumeState(path, batchSize, new Map()), resumed: false, replaced: existed };
  }

  private static load(path: string, fileSha256: string): ResumeState | undefined {
    const lines = readFileSync(path, 'utf8').split('\n');
    let header: Header;
    try {
      header = JSON.parse(lines[0] ?? '') as Header;
    } catch {
      return undefined;
    }
    if (header.v !== 1 || header.file !== fileSha256 || !Number.isInteger(header.batchSize)) return undefined;
    const batches = new Map<number, BatchRecord>();
    for (const line of lines.slice(1)) {
      try {
        const record = JSON.parse(line) as BatchRecord;
        batches.set(record.batch, record);
      } catch {
        // The torn last line of a killed run: that batch is sent again, and replayed by the API.
      }
    }
    return new ResumeState(path, header.batchSize, batches);
  }

  record(record: BatchRecord): void {
    this.batches.set(record.batch, record);
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }
}
