import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * A new per-endpoint signing secret in Standard Webhooks form: `whsec_` + base64 of 32 random
 * bytes (DESIGN.md §5 asks for at least 24; 32 matches the HMAC-SHA256 block strength).
 */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The `webhook-signature` header value for one delivery attempt: `v1,<sig>` per secret,
 * space-separated. During rotation pass both old and new secrets so receivers that still hold
 * the old one and receivers already on the new one both verify.
 *
 * Signing is delegated to standardwebhooks so the bytes signed ("id.timestamp.body") and the
 * encoding are exactly what the receivers' verify() computes.
 *
 * @param timestamp must be the same instant sent as `webhook-timestamp` (unix seconds).
 * @throws Error when `secrets` is empty, since an unsigned webhook would be silently unverifiable.
 */
export function signMessage(secrets: string[], msgId: string, timestamp: Date, body: string): string {
  if (secrets.length === 0) throw new Error('signMessage needs at least one webhook secret');
  return secrets.map((secret) => new Webhook(secret).sign(msgId, timestamp, body)).join(' ');
}
