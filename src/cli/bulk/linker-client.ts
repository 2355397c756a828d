import type { BulkResponse } from '../../api/routes/connect-requests.js';
import type { Batch } from '../../domain/schemas/batch.js';
import type { ConnectRequest } from '../../domain/schemas/connect-request.js';
import { BULK_EXIT, BulkExitError } from './bulk-exit.js';

export interface BulkItem {
  tenantId: string;
  provider: 'smartrecruiters';
  credentials: { apiKey: string };
  metadata?: Record<string, unknown>;
}

export interface LinkerClientOptions {
  baseUrl: string;
  token: string;
  /** Tries per call before giving up on an unreachable or overloaded API. Default 8. */
  attempts?: number;
  /** First retry delay; doubles up to 10 s. Default 500 ms. */
  retryBaseMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The few API calls the bulk command makes. Network errors, 5xx, 429 and "idempotency key in
 * progress" are retried (safe: every POST carries an Idempotency-Key); anything else the API
 * refuses ends the run with its problem detail.
 */
export class LinkerClient {
  private readonly attempts: number;
  private readonly retryBaseMs: number;

  constructor(private readonly options: LinkerClientOptions) {
    this.attempts = options.attempts ?? 8;
    this.retryBaseMs = options.retryBaseMs ?? 500;
  }

  postBulk(items: BulkItem[], idempotencyKey: string): Promise<BulkResponse> {
    return this.call<BulkResponse>('POST', '/v1/connect-requests/bulk', { items }, { 'idempotency-key': idempotencyKey });
  }

  getBatch(id: string): Promise<Batch> {
    return this.call<Batch>('GET', `/v1/batches/${encodeURIComponent(id)}`);
  }

  /** Every request of a batch, page by page. */
  async *batchRequests(batchId: string): AsyncGenerator<ConnectRequest> {
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ batchId, limit: '500', ...(cursor ? { cursor } : {}) });
      const page: { data: ConnectRequest[]; nextCursor: string | null } = await this.call('GET', `/v1/connect-requests?${query}`);
      yield* page.data;
      cursor = page.nextCursor;
    } while (cursor);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.token}`, ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let lastProblem = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      let retryAfterMs: number | undefined;
      try {
        // Node's built-in fetch, not the undici package: the CLI stays lighter (its memory is a promise in the README).
        const res = await fetch(url, { method, headers, body: payload, signal: AbortSignal.timeout(60_000) });
        const text = await res.text();
        if (res.status < 300) return JSON.parse(text) as T;
        const detail = problemDetail(text);
        lastProblem = `${res.status} ${detail}`;
        const retryable = res.status >= 500 || res.status === 429 || (res.status === 409 && text.includes('idempotency_in_progress'));
        if (!retryable) throw refused(res.status, detail, method, path);
        const retryAfter = Number(res.headers.get('retry-after') ?? NaN);
        if (Number.isFinite(retryAfter) && retryAfter >= 0) retryAfterMs = retryAfter * 1000;
      } catch (error) {
        if (error instanceof BulkExitError) throw error;
        lastProblem = (error as Error).message;
      }
      if (attempt < this.attempts) await sleep(retryAfterMs ?? Math.min(this.retryBaseMs * 2 ** (attempt - 1), 10_000));
    }
    throw new BulkExitError(
      BULK_EXIT.apiError,
      `the API at ${this.options.baseUrl} did not answer ${method} ${path.split('?')[0]} after ${this.attempts} tries (last: ${lastProblem}); run the same command again to resume.`,
    );
  }
}

function problemDetail(text: string): string {
  try {
    const problem = JSON.parse(text) as { detail?: string; title?: string };
    return problem.detail ?? problem.title ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

function refused(status: number, detail: string, method: string, path: string): BulkExitError {
  if (status === 401) return new BulkExitError(BULK_EXIT.apiError, `the API refused the platform token (401): pass --token or set LINKER_TOKEN. ${detail}`);
  if (status === 413) return new BulkExitError(BULK_EXIT.badInput, `the API refused a batch as too large (413): use a smaller --batch-size. ${detail}`);
  const exit = status === 400 || status === 422 ? BULK_EXIT.badInput : BULK_EXIT.apiError;
  return new BulkExitError(exit, `the API refused ${method} ${path.split('?')[0]} (${status}): ${detail}`);
}
