/**
 * The Idempotency-Key of one batch: derived from the file's content hash and the batch's line
 * range, so a re-run over the same file sends byte-identical batches under the same keys, and the
 * API replays its first answers instead of creating anything again.
 */
export function batchIdempotencyKey(fileSha256: string, firstLine: number, lastLine: number): string {
  return `bulk-${fileSha256.slice(0, 40)}-L${firstLine}-${lastLine}`;
}
