import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './openapi.js';

/**
 * `account-linker/client`: a typed client of the account-linker API. The types are generated from
 * /openapi.json (src/client/openapi.d.ts); calls go through openapi-fetch, with Retry-After-aware
 * retries and an Idempotency-Key on every POST that creates connect requests, so a retry never
 * links twice.
 */
export type { components, paths };
export type Schemas = components['schemas'];
export type ConnectRequest = Schemas['ConnectRequest'];
export type ConnectRequestInput = Schemas['ConnectRequestInput'];
export type BulkResult = Schemas['BulkResult'];
export type Batch = Schemas['Batch'];
export type Account = Schemas['Account'];
export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type WebhookMessage = Schemas['WebhookMessage'];
export type Problem = Schemas['Problem'];
export type WebhookEvent = Schemas['WebhookEvent'];

export interface LinkerClientOptions {
  /** The service's base URL, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** The platform token (Authorization: Bearer). */
  token: string;
  /** Tries per call, the first included. Default 5. */
  maxAttempts?: number;
  /** Backoff base without a Retry-After, in ms (full jitter, doubling). Default 500. */
  retryBaseMs?: number;
  /** Longest single wait, in ms; a longer Retry-After is cut to it. Default 60,000. */
  maxDelayMs?: number;
  /** Told before each wait (e.g. to show "rate limited, retrying in 2 s"). */
  onRetry?: (retry: { attempt: number; delayMs: number; status?: number; error?: unknown }) => void;
  /** Default globalThis.fetch. */
  fetch?: (request: Request) => Promise<Response>;
}

/** A problem answer (4xx/5xx) as an error; `problem.type` says which. */
export class LinkerApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${status} ${problem.title}: ${problem.detail}`);
    this.name = 'LinkerApiError';
  }
}

const KEYED_POSTS = new Set(['/v1/connect-requests', '/v1/connect-requests/bulk']);

/** Seconds or an HTTP date (RFC 9110); undefined when absent or unreadable. */
function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * fetch with retries: 429 always (the API stored nothing); 503, other 5xx, an Idempotency-Key
 * still in progress (409 with Retry-After) and network errors only for calls that are safe to
 * repeat (GET, or a POST under an Idempotency-Key).
 */
function retryingFetch(options: LinkerClientOptions): (request: Request) => Promise<Response> {
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const maxAttempts = options.maxAttempts ?? 5;
  const base = options.retryBaseMs ?? 500;
  const cap = options.maxDelayMs ?? 60_000;
  return async (request) => {
    const repeatable = request.method === 'GET' || request.headers.has('idempotency-key');
    for (let attempt = 1; ; attempt++) {
      let response: Response | undefined;
      let error: unknown;
      try {
        response = await send(request.clone());
      } catch (caught) {
        error = caught;
      }
      const status = response?.status;
      const again =
        attempt < maxAttempts &&
        (status === 429 || (repeatable && (error !== undefined || (status !== undefined && status >= 500) || (status === 409 && response!.headers.has('retry-after')))));
      if (!again) {
        if (response) return response;
        throw error;
      }
      const backoff = Math.random() * base * 2 ** (attempt - 1);
      const delayMs = Math.min(cap, retryAfterMs(response?.headers.get('retry-after') ?? null) ?? backoff);
      await response?.body?.cancel();
      options.onRetry?.({ attempt, delayMs, status, error });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  };
}

type ListPath = '/v1/connect-requests' | '/v1/accounts' | '/v1/webhook-messages';
type ListQuery<P extends ListPath> = Omit<NonNullable<paths[P]['get']['parameters']['query']>, 'cursor'>;
type ListItem<P extends ListPath> = paths[P]['get']['responses'][200]['content']['application/json']['data'][number];

/** The `data` of an openapi-fetch answer (undefined for a 204), or a LinkerApiError for a problem. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const problem = (result.error ?? {}) as Partial<Problem>;
    throw new LinkerApiError(result.response.status, {
      type: problem.type ?? 'urn:account-linker:problem:internal',
      title: problem.title ?? result.response.statusText,
      status: result.response.status,
      detail: problem.detail ?? 'The API answered without a problem body.',
      ...(problem.errors ? { errors: problem.errors } : {}),
      ...(problem.inFlightId ? { inFlightId: problem.inFlightId } : {}),
    } as Problem);
  }
  return result.data as T;
}

export interface BulkChunk {
  /** Index of the chunk's first item in the whole list. */
  offset: number;
  result: BulkResult;
}

export interface LinkerClient {
  /** The typed openapi-fetch client, for any route: `api.GET('/v1/accounts/{id}', { params: { path: { id } } })`. */
  api: Client<paths>;
  /** Link one tenant. */
  link(input: ConnectRequestInput, options?: { idempotencyKey?: string }): Promise<ConnectRequest>;
  /** One bulk call (up to the server's item limit, 1,000 by default). */
  linkBulk(items: ConnectRequestInput[], options?: { idempotencyKey?: string }): Promise<BulkResult>;
  /**
   * Any number of tenants, `batchSize` per bulk call, one chunk's answer at a time. Chunk i is sent
   * under the key `${idempotencyKeyPrefix}:${i}`, so re-running with the same prefix and items
   * replays what was already accepted instead of linking twice.
   */
  linkAll(items: ConnectRequestInput[], options?: { batchSize?: number; idempotencyKeyPrefix?: string }): AsyncGenerator<BulkChunk>;
  getConnectRequest(id: string): Promise<ConnectRequest>;
  getBatch(id: string): Promise<Batch>;
  /** Every item of a list, following nextCursor page by page. */
  paginate<P extends ListPath>(path: P, query?: ListQuery<P>): AsyncGenerator<ListItem<P>>;
}

export function createLinkerClient(options: LinkerClientOptions): LinkerClient {
  const api = createClient<paths>({ baseUrl: options.baseUrl.replace(/\/$/, ''), headers: { authorization: `Bearer ${options.token}` }, fetch: retryingFetch(options) });
  api.use({
    onRequest({ request, schemaPath }) {
      if (request.method === 'POST' && KEYED_POSTS.has(schemaPath) && !request.headers.has('idempotency-key')) {
        request.headers.set('idempotency-key', globalThis.crypto.randomUUID());
      }
      return request;
    },
  });
  const keyHeader = (key?: string) => (key ? { 'Idempotency-Key': key } : {});

  const client: LinkerClient = {
    api,
    async link(input, { idempotencyKey } = {}) {
      return unwrap(await api.POST('/v1/connect-requests', { body: input, headers: keyHeader(idempotencyKey) }));
    },
    async linkBulk(items, { idempotencyKey } = {}) {
      return unwrap(await api.POST('/v1/connect-requests/bulk', { body: { items }, headers: keyHeader(idempotencyKey) }));
    },
    async *linkAll(items, { batchSize = 1000, idempotencyKeyPrefix = globalThis.crypto.randomUUID() } = {}) {
      for (let offset = 0, chunk = 0; offset < items.length; offset += batchSize, chunk++) {
        const result = await client.linkBulk(items.slice(offset, offset + batchSize), { idempotencyKey: `${idempotencyKeyPrefix}:${chunk}` });
        yield { offset, result };
      }
    },
    async getConnectRequest(id) {
      return unwrap(await api.GET('/v1/connect-requests/{id}', { params: { path: { id } } }));
    },
    async getBatch(id) {
      return unwrap(await api.GET('/v1/batches/{id}', { params: { path: { id } } }));
    },
    async *paginate(path, query) {
      let cursor: string | undefined;
      do {
        // One generic call for three list routes: openapi-fetch cannot relate P to its overloads.
        const get = api.GET as (path: ListPath, init: { params: { query: object } }) => Promise<{ data?: { data: never[]; nextCursor: string | null }; error?: unknown; response: Response }>;
        const page = unwrap(await get(path, { params: { query: { ...query, ...(cursor ? { cursor } : {}) } } }));
        yield* page.data;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    },
  };
  return client;
}
