import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import type { AddressPolicy } from './address-policy.js';
import { explainBlockedAddress } from './blocked-address-error.js';

/** Resolves a hostname to every address it has (the shape of dns.promises.lookup with all: true). */
export type LookupAll = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export type WebhookUrlCheck =
  | { ok: true }
  | {
      ok: false;
      /** Safe to tell the platform. */
      reason: string;
      /** For the operator's log only: the resolved address and the LINKER_WEBHOOK_ALLOWED_NETS hint (a platform must not map the network with it). */
      operatorDetail?: string;
    };

/** What the platform learns about a refused address: nothing about where its host resolves or what the operator may allow. */
function refused(host: string, address: string, policy: AddressPolicy): WebhookUrlCheck {
  return {
    ok: false,
    reason: `webhook URL host "${host}" resolves to a non-public address; use a URL reachable on the public internet`,
    operatorDetail: explainBlockedAddress(host, address, policy),
  };
}

/** The operating system's resolver (getaddrinfo, so /etc/hosts counts), every address in its order. */
export const systemLookup: LookupAll = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * Registration-time check of a webhook URL, so tenants get a clear error when they submit it
 * instead of every delivery failing later.
 *
 * This is advisory: DNS can change (rebinding) between now and delivery, which is why the
 * dispatcher from createSafeDispatcher re-checks the address it actually connects to.
 *
 * IP literals need no special parsing here: the WHATWG URL parser already normalises decimal
 * (http://2130706433), octal (http://0177.0.0.1), hex (http://0x7f.0.0.1), short (http://127.1)
 * and percent-encoded IPv4 hosts to dotted-quad, and compresses IPv6 (http://[::ffff:127.0.0.1]
 * becomes [::ffff:7f00:1]), so URL.hostname is exactly what undici will connect to.
 *
 * @param lookup resolver returning all addresses; defaults to dns.promises.lookup({ all: true }).
 *   Injected in tests to simulate names that resolve to private addresses.
 */
export async function checkWebhookUrl(
  url: string,
  policy: AddressPolicy,
  lookup: LookupAll = systemLookup,
): Promise<WebhookUrlCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: `webhook URL "${url}" is not a valid absolute URL` };
  }

  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, reason: `webhook URL must use http: or https:, not ${parsed.protocol}` };
  }
  // Credentials in the URL would be sent to the receiver on every attempt and end up in logs.
  if (parsed.username !== '' || parsed.password !== '') {
    return { ok: false, reason: 'webhook URL must not contain a username or password' };
  }

  const hostname = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  if (hostname === '') {
    return { ok: false, reason: `webhook URL "${url}" has no host` };
  }

  if (isIP(hostname) !== 0) {
    return policy.isAllowed(hostname) ? { ok: true } : refused(hostname, hostname, policy);
  }

  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = await lookup(hostname);
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    return { ok: false, reason: `webhook URL host "${hostname}" could not be resolved (${code})` };
  }
  if (addresses.length === 0) {
    return { ok: false, reason: `webhook URL host "${hostname}" resolved to no addresses` };
  }

  // Every address must pass: the connector may pick any of them (happy eyeballs, retries).
  const blocked = addresses.find(({ address }) => !policy.isAllowed(address));
  if (blocked) {
    return refused(hostname, blocked.address, policy);
  }
  return { ok: true };
}
