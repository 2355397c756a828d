import { createLinkerClient, LinkerApiError, type Batch, type BulkResult, type ConnectRequest, type ConnectRequestInput, type LinkerClient } from '../../client/index.js';
import { BULK_EXIT, BulkExitError } from './bulk-exit.js';

export type BulkItem = ConnectRequestInput;

/**
 * A batch as GET /v1/batches/:id answers it. `estimatedCompletionAt` and `paused` come from
 * servers with the scheduling of DESIGN §10 (position, ETA, breaker pause); older ones leave them out.
 */
export type BatchProgress = Batch & {
  estimatedCompletionAt?: string | null;
  paused?: { reason: string; resumesAt: string } | null;
};

export interface BulkApiOptions {
  baseUrl: string;
  token: string;
  /** Tries per call before giving up on an unreachable or overloaded API. Default 8. */
  attempts?: number;
  /** First retry delay without a Retry-After (doubling, full jitter). Default 500 ms. */
  retryBaseMs?: number;
}

/** No single call may hang the run: a stuck connection is retried like a refused one. */
const CALL_TIMEOUT_MS = 60_000;

/**
 * The calls the bulk command makes, through the package's typed client (account-linker/client):
 * it retries network errors, 5xx, 429 and "idempotency key in progress" after Retry-After (safe:
 * every POST carries an Idempotency-Key). What is still refused ends the run with a BulkExitError
 * naming the problem and what to do.
 */
export class BulkApi {
  private readonly client: LinkerClient;
  private readonly attempts: number;

  constructor(private readonly options: BulkApiOptions) {
    this.attempts = options.attempts ?? 8;
    this.client = createLinkerClient({
      baseUrl: options.baseUrl,
      token: options.token,
      maxAttempts: this.attempts,
      retryBaseMs: options.retryBaseMs ?? 500,
      // Node's built-in fetch, not the undici package: the CLI stays lighter (its memory is a promise in docs/performance.md).
      fetch: (request) => fetch(request, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) }),
    });
  }

  postBulk(items: BulkItem[], idempotencyKey: string): Promise<BulkResult> {
    return this.explain('POST /v1/connect-requests/bulk', this.client.linkBulk(items, { idempotencyKey }));
  }

  getBatch(id: string): Promise<BatchProgress> {
    return this.explain('GET /v1/batches/:id', this.client.getBatch(id));
  }

  /** Every request of a batch, page by page. */
  async *batchRequests(batchId: string): AsyncGenerator<ConnectRequest> {
    const pages = this.client.paginate('/v1/connect-requests', { batchId, limit: 500 });
    for (;;) {
      const next = await this.explain('GET /v1/connect-requests', pages.next());
      if (next.done) return;
      yield next.value;
    }
  }

  private async explain<T>(call: string, pending: Promise<T>): Promise<T> {
    try {
      return await pending;
    } catch (error) {
      if (error instanceof LinkerApiError) throw refused(error, call, this.options.baseUrl, this.attempts);
      throw new BulkExitError(
        BULK_EXIT.apiError,
        `the API at ${this.options.baseUrl} did not answer ${call} after ${this.attempts} tries (last: ${(error as Error).message}); run the same command again to resume.`,
      );
    }
  }
}

function refused(error: LinkerApiError, call: string, baseUrl: string, attempts: number): BulkExitError {
  const { status, problem } = error;
  if (status === 429 || status >= 500 || problem.type.endsWith(':idempotency_in_progress')) {
    return new BulkExitError(BULK_EXIT.apiError, `the API at ${baseUrl} did not take ${call} after ${attempts} tries (last: ${status} ${problem.detail}); run the same command again to resume.`);
  }
  if (status === 401) return new BulkExitError(BULK_EXIT.apiError, `the API refused the platform token (401): pass --token or set LINKER_TOKEN. ${problem.detail}`);
  if (status === 413) return new BulkExitError(BULK_EXIT.badInput, `the API refused a batch as too large (413): use a smaller --batch-size. ${problem.detail}`);
  const exit = status === 400 || status === 422 ? BULK_EXIT.badInput : BULK_EXIT.apiError;
  return new BulkExitError(exit, `the API refused ${call} (${status}): ${problem.detail}`);
}
