import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { components } from './openapi.js';

/**
 * `account-linker/webhooks`: verify a webhook from account-linker (Standard Webhooks) and get
 * its typed event. Switch on `event.type` and TypeScript narrows `event.data`.
 */
export type WebhookEvent = components['schemas']['WebhookEvent'];
export type WebhookEventType = WebhookEvent['type'];
export { WebhookVerificationError };

/** Node's IncomingHttpHeaders, a fetch Headers, or a plain object. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

const SIGNED_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

function pick(headers: WebhookHeaders, name: string): string {
  const value = headers instanceof Headers ? headers.get(name) : (headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1]);
  if (value === undefined || value === null) throw new WebhookVerificationError(`Missing the ${name} header`);
  return Array.isArray(value) ? value.join(' ') : value;
}

/**
 * Checks the signature (any of the endpoint's current secrets signs; during a rotation both do)
 * and the timestamp (within 5 minutes), then returns the event. `body` must be the raw request
 * body, byte for byte: parse the JSON only after this.
 *
 * @param secret the endpoint's `whsec_…` secret from POST /v1/webhook-endpoints
 * @throws WebhookVerificationError when a header is missing, the signature does not match or
 *   the timestamp is too old or too new; answer such a request 400.
 */
export function verifyWebhook(secret: string, headers: WebhookHeaders, body: string | Uint8Array): WebhookEvent {
  const signed = Object.fromEntries(SIGNED_HEADERS.map((name) => [name, pick(headers, name)]));
  const payload = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return new Webhook(secret).verify(payload, signed) as WebhookEvent;
}
