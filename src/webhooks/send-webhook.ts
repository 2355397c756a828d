import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { parseRetryAfter } from '../domain/retry-after.js';
import { findBlockedAddressError } from './blocked-address-error.js';
import { signMessage } from './signer.js';

export interface WebhookSend {
  url: string;
  messageId: string;
  body: string;
  secrets: string[];
  /** Whole-attempt budget; default 15 s (DESIGN §5). */
  timeoutMs: number;
  dispatcher: Dispatcher;
}

export interface WebhookSendResult {
  httpStatus: number | null;
  durationMs: number;
  /** Short excerpt of what went wrong, never the request body. */
  error: string | null;
  retryAfterMs: number | undefined;
}

const EXCERPT_BYTES = 200;

/** One signed delivery attempt (Standard Webhooks v1). Never throws; 3xx is not followed. */
export async function sendWebhook(send: WebhookSend): Promise<WebhookSendResult> {
  const timestamp = new Date();
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await request(send.url, {
      method: 'POST',
      dispatcher: send.dispatcher,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'account-linker-webhooks/1',
        'webhook-id': send.messageId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signMessage(send.secrets, send.messageId, timestamp, send.body),
      },
      body: send.body,
      signal: AbortSignal.timeout(send.timeoutMs),
    });
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    let excerpt = '';
    if (ok) await res.body.dump();
    else excerpt = (await res.body.text()).slice(0, EXCERPT_BYTES);
    return {
      httpStatus: res.statusCode,
      durationMs: elapsed(),
      error: ok ? null : `receiver answered ${res.statusCode}${excerpt ? `: ${excerpt}` : ''}`,
      retryAfterMs: res.statusCode === 429 || res.statusCode === 503 ? parseRetryAfter(res.headers['retry-after']) : undefined,
    };
  } catch (error) {
    const blocked = findBlockedAddressError(error);
    const err = error as Error & { code?: string };
    const reason = blocked
      ? blocked.message
      : err.name === 'TimeoutError' || err.name === 'AbortError'
        ? `no answer within ${send.timeoutMs} ms`
        : `${err.code ?? err.name}: ${err.message}`;
    return { httpStatus: null, durationMs: elapsed(), error: reason.slice(0, 300), retryAfterMs: undefined };
  }
}
