import type { AddressPolicy } from './address-policy.js';
import { suggestAllowedNet } from './address-policy.js';

/**
 * Explains why `address` (reached via `host`) is refused, with the exact setting that would allow
 * it, so an operator pointing a webhook at a local receiver on purpose knows what to change.
 * Shared by the URL check (registration time) and the dispatcher (connect time) so both speak alike.
 */
export function explainBlockedAddress(host: string, address: string, policy: AddressPolicy): string {
  const subject = host === address ? `webhook URL host ${address} is` : `webhook URL host "${host}" resolves to ${address},`;
  return (
    `${subject} ${policy.describe(address)}; ` +
    `allow it with LINKER_WEBHOOK_ALLOWED_NETS=${suggestAllowedNet(address)} if this is intended`
  );
}

/**
 * Raised when a webhook delivery would connect to an address the AddressPolicy refuses.
 * Matched by `code` rather than instanceof where errors cross module copies or are wrapped in
 * undici/fetch `cause` chains.
 */
export class BlockedAddressError extends Error {
  readonly code = 'ERR_WEBHOOK_ADDRESS_BLOCKED' as const;
  /** Hostname from the URL (equal to `address` for IP-literal URLs). */
  readonly host: string;
  /** The concrete IP that was refused. */
  readonly address: string;

  constructor(host: string, address: string, policy: AddressPolicy) {
    super(explainBlockedAddress(host, address, policy));
    this.name = 'BlockedAddressError';
    this.host = host;
    this.address = address;
  }
}

/**
 * The BlockedAddressError in an error's `cause` chain, if any: fetch wraps connect failures in
 * `TypeError('fetch failed', { cause })`, and callers should not need to know how deep it sits.
 */
export function findBlockedAddressError(error: unknown): BlockedAddressError | undefined {
  const seen = new Set<unknown>();
  let current = error;
  while (current !== null && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    if ((current as { code?: unknown }).code === 'ERR_WEBHOOK_ADDRESS_BLOCKED') return current as BlockedAddressError;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
