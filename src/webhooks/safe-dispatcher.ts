import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import type { AddressPolicy } from './address-policy.js';
import { BlockedAddressError } from './blocked-address-error.js';
import { systemLookup, type LookupAll } from './url-check.js';

export interface SafeDispatcherOptions {
  /** Time allowed for TCP (and TLS) connect, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Time to wait for response headers after the request is sent, in ms. Default 15000 (DESIGN.md §5 delivery timeout). */
  headersTimeoutMs?: number;
  /** Maximum gap between body chunks, in ms. Default 15000. */
  bodyTimeoutMs?: number;
  /** Sockets per origin. Default undefined: undici's default of no limit. */
  connections?: number;
  /**
   * Resolver returning all addresses for a hostname. Default dns.promises.lookup({ all: true }).
   * Injected in tests to simulate DNS rebinding without a DNS server.
   */
  lookup?: LookupAll;
}

function wantedFamily(family: LookupOptions['family']): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

/**
 * A net/tls `lookup` that resolves, refuses the whole name if any address is disallowed, and
 * hands the checked addresses straight to the socket. Because the socket connects to exactly
 * what this function returned, a second (rebinding) DNS answer can never slip in between the
 * check and the connect.
 */
function createGuardedLookup(policy: AddressPolicy, resolve: LookupAll): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (resolved) => {
        const family = wantedFamily(options.family);
        const addresses: LookupAddress[] = resolved.filter((entry) => family === 0 || entry.family === family);
        const blocked = addresses.find(({ address }) => !policy.isAllowed(address));
        if (blocked) {
          callback(new BlockedAddressError(hostname, blocked.address, policy), '');
          return;
        }
        const first = addresses[0];
        if (!first) {
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), '');
          return;
        }
        // Node 20 sockets default to autoSelectFamily (happy eyeballs) and then ask for all: true;
        // older code paths want a single address. Both shapes must be served.
        if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/**
 * An undici Dispatcher for webhook deliveries that refuses to connect to addresses the policy
 * blocks (DESIGN.md §5 SSRF), checked at connect time against the address actually dialled.
 *
 * Two paths need guarding because Node's net.connect skips `lookup` entirely for IP literals:
 * - hostname URLs: a custom `lookup` passed through buildConnector to net/tls.connect;
 * - IP-literal URLs (including normalised forms like http://0x7f.0.0.1 and [::ffff:7f00:1]):
 *   the connector is wrapped and checks `hostname` itself before dialling.
 *
 * Redirects are never followed: undici's `request()`/`dispatcher.request()` return 3xx as-is
 * unless the redirect interceptor is composed in, which this module never does. Note that
 * `fetch()` follows redirects by default; callers using fetch must pass `redirect: 'manual'`
 * (every hop would still be policy-checked by this dispatcher, but §5 treats 3xx as failure).
 *
 * Errors surface as BlockedAddressError (code ERR_WEBHOOK_ADDRESS_BLOCKED), directly from
 * `request()` and as `cause` of fetch's TypeError; use findBlockedAddressError to look for it.
 */
export function createSafeDispatcher(policy: AddressPolicy, options: SafeDispatcherOptions = {}): Dispatcher {
  const {
    connectTimeoutMs = 5000,
    headersTimeoutMs = 15_000,
    bodyTimeoutMs = 15_000,
    connections,
    lookup = systemLookup,
  } = options;

  // When `connect` is a function undici ignores its own connectTimeout, so the timeout must be
  // given to buildConnector here.
  const baseConnect = buildConnector({ timeout: connectTimeoutMs, lookup: createGuardedLookup(policy, lookup) });

  const connect: buildConnector.connector = (connectOptions, callback) => {
    // undici strips the brackets from IPv6 hosts before calling the connector.
    const { hostname } = connectOptions;
    if (isIP(hostname) !== 0 && !policy.isAllowed(hostname)) {
      const error = new BlockedAddressError(hostname, hostname, policy);
      // Deferred so undici sees the same asynchronous callback it gets from a real connect.
      process.nextTick(() => callback(error, null));
      return;
    }
    baseConnect(connectOptions, callback);
  };

  return new Agent({
    connect,
    headersTimeout: headersTimeoutMs,
    bodyTimeout: bodyTimeoutMs,
    ...(connections === undefined ? {} : { connections }),
  });
}
