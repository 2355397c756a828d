import { Pool } from 'undici';
import type { CheckOutcome, ProviderClient } from '../provider.js';
import { classifyNetworkError, classifyResponse } from './classify.js';

export interface SmartRecruitersClientOptions {
  /** Default https://api.smartrecruiters.com (sandbox: https://api.sandbox.smartrecruiters.com). */
  baseUrl: string;
  /** Time allowed for the answer's headers, then between its body chunks, in ms. Default 10 000. */
  timeoutMs?: number;
  /** Pooled connections. Default 64. */
  connections?: number;
}

/** Largest body read from the provider; a company record is a few hundred bytes. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * Checks a key with `GET /configuration/company`, the cheapest call that proves both that the key is
 * valid and that its role can read the company. undici's own retry is not used: BullMQ owns retries.
 */
export class SmartRecruitersClient implements ProviderClient {
  readonly id = 'smartrecruiters' as const;
  private readonly pool: Pool;
  private readonly timeoutMs: number;

  constructor(options: SmartRecruitersClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.pool = new Pool(new URL(options.baseUrl).origin, {
      connections: options.connections ?? 64,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connectTimeout: Math.min(this.timeoutMs, 10_000),
    });
  }

  async check(apiKey: string): Promise<CheckOutcome> {
    try {
      const res = await this.pool.request({
        method: 'GET',
        path: '/configuration/company',
        headers: { 'x-smarttoken': apiKey, accept: 'application/json' },
      });
      const text = await res.body.text();
      let body: unknown;
      try {
        body = text.length <= MAX_BODY_BYTES ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      return classifyResponse({ status: res.statusCode, headers: res.headers, body });
    } catch (error) {
      // The pool's headers and body timeouts are the budget: no timer of our own per call.
      return classifyNetworkError(error, this.timeoutMs);
    }
  }

  async close(options: { force?: boolean } = {}): Promise<void> {
    await (options.force ? this.pool.destroy() : this.pool.close());
  }
}
