import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { memo } from './memo.js';

const SECRET_PREFIX = 'whsec_';

/**
 * A new per-endpoint signing secret in Standard Webhooks form: `whsec_` + base64 of 32 random
 * bytes (DESIGN.md §5 asks for at least 24; 32 matches the HMAC-SHA256 block strength).
 */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** A secret's HMAC key, decoded once: decoding and importing it for every message cost more than the HMAC. */
const signingKey = memo((secret) => createSecretKey(Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64')));

/**
 * The `webhook-signature` header value for one delivery attempt: `v1,<sig>` per secret,
 * space-separated. During rotation pass both old and new secrets so receivers that still hold
 * the old one and receivers already on the new one both verify.
 *
 * Standard Webhooks v1: base64 HMAC-SHA256, keyed with the secret's base64 bytes, of
 * "id.timestamp.body". Computed with node:crypto rather than the standardwebhooks package, whose
 * pure-JS HMAC took 21 µs per message here against 3 µs; test/unit/webhook-signer.test.ts checks
 * every signature against that package's verify(), as receivers run it.
 *
 * @param timestamp must be the same instant sent as `webhook-timestamp` (unix seconds).
 * @throws Error when `secrets` is empty, since an unsigned webhook would be silently unverifiable.
 */
export function signMessage(secrets: string[], msgId: string, timestamp: Date, body: string): string {
  if (secrets.length === 0) throw new Error('signMessage needs at least one webhook secret');
  const signed = `${msgId}.${Math.floor(timestamp.getTime() / 1000)}.${body}`;
  return secrets
    .map((secret) => `v1,${createHmac('sha256', signingKey(secret)).update(signed).digest('base64')}`)
    .join(' ');
}
