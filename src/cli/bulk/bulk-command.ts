import { BULK_EXIT } from './bulk-exit.js';
import { readRows, type Row } from './read-rows.js';
import { scanFile } from './scan-file.js';
import { ResumeState, type BatchRecord } from './resume-state.js';
import { batchIdempotencyKey } from './batch-idempotency.js';
import { BulkApi, type BatchProgress, type BulkItem } from './bulk-api.js';
import { Progress } from './progress.js';
import { ResultsWriter, type ResultRow } from './results-writer.js';

export interface BulkOptions {
  file: string;
  /** API base URL. */
  api: string;
  /** Platform token. */
  token: string;
  /** Wait until every request is final and write final statuses. */
  wait: boolean;
  /** Results CSV; the resume state lives next to it as `<out>.state`. */
  out: string;
  /** Rows per bulk call (bad rows included, so line ranges stay fixed). Default 1000, the API's default limit. */
  batchSize?: number;
  /** Bulk calls in flight at once. Default 2. */
  concurrency?: number;
  /** Pause between polls of unfinished batches with --wait. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Longest line accepted. Default 64 KiB. */
  maxLineBytes?: number;
  /** Where progress and the summary go. Default stderr. */
  stderr?: NodeJS.WriteStream;
}

interface Chunk {
  index: number;
  rows: Row[];
}

async function* chunksOf(rows: AsyncIterable<Row>, size: number): AsyncGenerator<Chunk> {
  let index = 0;
  let current: Row[] = [];
  for await (const row of rows) {
    current.push(row);
    if (current.length === size) {
      yield { index: index++, rows: current };
      current = [];
    }
  }
  if (current.length) yield { index, rows: current };
}

const toItem = (row: Extract<Row, { ok: true }>): BulkItem => ({
  tenantId: row.tenantId,
  provider: 'smartrecruiters',
  credentials: { apiKey: row.apiKey },
  ...(row.metadata ? { metadata: row.metadata } : {}),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eachLimited<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!);
  }));
}

/**
 * `account-linker bulk FILE`: checks the whole file, sends it in batches under idempotency keys
 * derived from the file and each batch's line range, records every answer in a resume state, then
 * (with --wait) follows the batches to the end, and writes the results file. Returns the exit code.
 */
export async function runBulk(options: BulkOptions): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const say = (text: string) => stderr.write(`${text}\n`);
  const readOptions = { maxLineBytes: options.maxLineBytes };

  const scan = await scanFile(options.file, readOptions);
  const statePath = `${options.out}.state`;
  const opened = ResumeState.open(statePath, scan.sha256, options.batchSize ?? 1000);
  const { state } = opened;
  if (opened.resumed) {
    say(`resuming: ${state.batches.size} batch(es) already answered (${statePath}); nothing already sent is sent again.`);
    if (options.batchSize !== undefined && options.batchSize !== state.batchSize) say(`keeping the earlier run's batch size ${state.batchSize} so batches keep their keys.`);
  } else if (opened.replaced) say(`${statePath} belonged to another file; starting over for ${options.file}.`);

  const client = new BulkApi({ baseUrl: options.api, token: options.token });
  const progress = new Progress({ total: scan.rows, wait: options.wait, stream: stderr });
  const batches = new Map<string, BatchProgress | null>();
  let submitted = 0;
  let rejected = 0;
  const report = () => {
    let linked = 0;
    let failed = 0;
    let confirmed = 0;
    let serverEta: Date | undefined;
    let paused: BatchProgress['paused'];
    for (const batch of batches.values()) {
      linked += batch?.counts.linked ?? 0;
      failed += batch?.counts.failed ?? 0;
      confirmed += (batch?.confirmation.confirmed ?? 0) + (batch?.confirmation.not_required ?? 0);
      if (batch && !batch.completedAt && batch.estimatedCompletionAt) {
        const eta = new Date(batch.estimatedCompletionAt);
        if (!serverEta || eta > serverEta) serverEta = eta;
      }
      paused ??= batch?.paused;
    }
    progress.update({ submitted, linked, failed: failed + rejected, confirmed, serverEta, paused: paused ?? undefined });
  };

  const onInterrupt = () => {
    progress.stop();
    say(`interrupted: the ${state.batches.size} batch(es) answered so far are saved in ${statePath}; run the same command again to resume.`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);

  let submitting = true;
  let stopped = false;
  let pollFailure: unknown;
  const poller = options.wait
    ? (async () => {
        while (!stopped) {
          const open = [...batches].filter(([, b]) => !b?.completedAt).map(([id]) => id);
          await eachLimited(open, 4, async (id) => void batches.set(id, await client.getBatch(id)));
          report();
          if (!submitting && [...batches.values()].every((b) => b?.completedAt)) return;
          // Many open batches: space the polls out to stay well inside the API's rate limit.
          await sleep(Math.max(options.pollIntervalMs ?? 1000, open.length * 25));
        }
      })().catch((error: unknown) => void (pollFailure = error))
    : undefined;

  try {
    const inflight = new Set<Promise<void>>();
    let failure: unknown;
    const send = async (chunk: Chunk, items: BulkItem[]) => {
      const first = chunk.rows[0]!.line;
      const last = chunk.rows.at(-1)!.line;
      const response = await client.postBulk(items, batchIdempotencyKey(scan.sha256, first, last));
      const ids = items.map(() => '');
      for (const a of response.accepted) ids[a.index] = a.id;
      const record: BatchRecord = { batch: chunk.index, batchId: response.batchId, ids: ids.join(' '), rejected: {} };
      for (const r of response.rejected) record.rejected[r.index] = r.error;
      state.record(record);
      account(chunk, record);
    };
    const account = (chunk: Chunk, record?: BatchRecord) => {
      submitted += chunk.rows.length;
      rejected += chunk.rows.filter((r) => !r.ok).length + (record ? Object.keys(record.rejected).length : 0);
      if (record) batches.set(record.batchId, null);
      report();
      releaseMemory();
    };

    for await (const chunk of chunksOf(readRows(options.file, readOptions), state.batchSize)) {
      const done = state.batches.get(chunk.index);
      const items = chunk.rows.flatMap((row) => (row.ok ? [toItem(row)] : []));
      if (done || items.length === 0) {
        account(chunk, done);
        continue;
      }
      while (inflight.size >= (options.concurrency ?? 2) && !failure) await Promise.race(inflight);
      if (failure) break;
      const sending: Promise<void> = send(chunk, items)
        .catch((error: unknown) => void (failure ??= error))
        .finally(() => inflight.delete(sending));
      inflight.add(sending);
    }
    await Promise.all(inflight);
    if (failure) throw failure;
    submitting = false;
    await poller;
    if (pollFailure) throw pollFailure;
  } finally {
    stopped = true;
    submitting = false;
    process.removeListener('SIGINT', onInterrupt);
    progress.stop();
  }

  const tally = await writeResults(options, state, client);
  return summarize(options, tally, say);
}

interface Tally {
  rows: number;
  byStatus: Map<string, number>;
  failuresByCode: Map<string, number>;
}

type Outcome = Pick<ResultRow, 'status' | 'errorCode' | 'errorMessage' | 'confirmation'>;

/**
 * V8 collects lazily and lets the heap grow far past what is live; on a 100,000-row file that alone
 * kept the command above its 150 MB budget. The launcher (bin/account-linker.js) exposes gc for
 * `bulk`, and a collection per batch of 1000 rows costs a few milliseconds.
 */
function releaseMemory(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Streams the file a last time beside the recorded answers (and, with --wait, final statuses) to write one result per row. */
async function writeResults(options: BulkOptions, state: ResumeState, client: BulkApi): Promise<Tally> {
  const writer = new ResultsWriter(options.out);
  const tally: Tally = { rows: 0, byStatus: new Map(), failuresByCode: new Map() };
  const bump = (map: Map<string, number>, k: string) => map.set(k, (map.get(k) ?? 0) + 1);

  for await (const chunk of chunksOf(readRows(options.file, { maxLineBytes: options.maxLineBytes }), state.batchSize)) {
    const record = state.batches.get(chunk.index);
    const ids = record?.ids.split(' ') ?? [];
    const final = new Map<string, Outcome>();
    if (record && options.wait) {
      for await (const r of client.batchRequests(record.batchId)) {
        final.set(r.id, { status: r.status, errorCode: r.error?.code ?? '', errorMessage: r.error?.message ?? '', confirmation: r.confirmation });
      }
    }
    let item = 0;
    for (const row of chunk.rows) {
      let requestId = '';
      let outcome: Outcome;
      if (!row.ok) outcome = { status: 'rejected', errorCode: row.error.code, errorMessage: row.error.message, confirmation: '' };
      else {
        const index = item++;
        if (!record) throw new Error(`internal: no answer recorded for the batch holding line ${row.line}`);
        requestId = ids[index] ?? '';
        const refusal = record.rejected[index];
        outcome = refusal
          ? { status: 'rejected', errorCode: refusal.code, errorMessage: refusal.message, confirmation: '' }
          : (final.get(requestId) ?? { status: 'queued', errorCode: '', errorMessage: '', confirmation: 'pending' });
      }
      tally.rows++;
      bump(tally.byStatus, outcome.status);
      if (outcome.errorCode) bump(tally.failuresByCode, outcome.errorCode);
      await writer.write({ line: row.line, tenantId: row.tenantId ?? '', requestId, ...outcome });
    }
    releaseMemory();
  }
  await writer.finish();
  return tally;
}

function summarize(options: BulkOptions, tally: Tally, say: (text: string) => void): number {
  const parts = [...tally.byStatus].sort((a, b) => b[1] - a[1]).map(([status, n]) => `${n} ${status}`);
  say(`${tally.rows} rows from ${options.file}: ${parts.join(', ')}.`);
  if (tally.failuresByCode.size) {
    say('failures by code:');
    const width = Math.max(...[...tally.failuresByCode.keys()].map((k) => k.length));
    for (const [code, n] of [...tally.failuresByCode].sort((a, b) => b[1] - a[1])) say(`  ${code.padEnd(width)}  ${n}`);
  }
  say(`results: ${options.out}`);
  const bad = options.wait ? tally.rows - (tally.byStatus.get('linked') ?? 0) : (tally.byStatus.get('rejected') ?? 0);
  return bad > 0 ? BULK_EXIT.rowsFailed : BULK_EXIT.ok;
}
