import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Decides which IP addresses webhook deliveries may connect to (DESIGN.md §5, SSRF).
 *
 * Only public unicast addresses are allowed by default; everything an attacker could use to reach
 * the linker's own network (loopback, RFC 1918, link-local cloud metadata, CGNAT, ...) is refused
 * unless the operator opted in with LINKER_WEBHOOK_ALLOWED_NETS.
 */
export interface AddressPolicy {
  /** True when a connection to `ip` (a literal IPv4/IPv6 address, no brackets) is permitted. */
  isAllowed(ip: string): boolean;
  /** Human phrase for log/error messages, e.g. "a loopback address". */
  describe(ip: string): string;
}

const ENV_NAME = 'LINKER_WEBHOOK_ALLOWED_NETS';

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

// ipaddr.js labels every IPv6 address it has no special range for as 'unicast', including
// unassigned space such as ::7f00:1 (IPv4-compatible, deprecated) or 4000::1. Only 2000::/3 is
// actually routed on the public internet, so anything outside it is refused as well.
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3') as Cidr;

// ipaddr.js 2.x names ordinary addresses 'unicast'; 'global' is accepted too so a future
// ipaddr.js that adopts IANA's "globally reachable" wording does not silently block everything.
const PUBLIC_RANGES = new Set(['unicast', 'global']);

const RANGE_DESCRIPTIONS: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
  reserved: 'a reserved or documentation address',
  as112: 'an AS112 (DNS sink) address',
  amt: 'an AMT relay address',
  uniqueLocal: 'a unique-local address',
  deprecatedSiteLocal: 'a site-local address',
  discard: 'a discard-only address',
  rfc6145: 'an IPv4-translated address',
  rfc6052: 'a NAT64 address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
  benchmarking: 'a benchmarking address',
  as112v6: 'an AS112 (DNS sink) address',
  deprecatedOrchid: 'an ORCHID address',
  orchid2: 'an ORCHID address',
  droneRemoteIdProtocolEntityTags: 'a drone remote ID address',
  segmentRouting: 'a segment-routing address',
};

// Ranges an operator most plausibly means to allow, offered verbatim in error messages so the
// suggested LINKER_WEBHOOK_ALLOWED_NETS value is a whole network rather than one host.
const SUGGESTED_NETS = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
].map((text) => ({ text, cidr: ipaddr.parseCIDR(text) as Cidr }));

/**
 * Parses an address, unwrapping IPv4-mapped IPv6 (::ffff:a.b.c.d) because the kernel connects
 * those over IPv4: ::ffff:127.0.0.1 *is* loopback. Returns null for anything that is not a plain
 * IP literal, so callers fail closed on hostnames or ipaddr.js's lenient legacy forms.
 */
function parseAddress(ip: string): { raw: ipaddr.IPv4 | ipaddr.IPv6; effective: ipaddr.IPv4 | ipaddr.IPv6 } | null {
  if (isIP(ip) === 0) return null;
  try {
    const raw = ipaddr.parse(ip);
    const effective = raw.kind() === 'ipv6' && (raw as ipaddr.IPv6).isIPv4MappedAddress()
      ? (raw as ipaddr.IPv6).toIPv4Address()
      : raw;
    return { raw, effective };
  } catch {
    return null;
  }
}

function matches(address: ipaddr.IPv4 | ipaddr.IPv6, cidr: Cidr): boolean {
  // ipaddr.js throws when matching across families, so compare kinds first.
  return address.kind() === cidr[0].kind() && address.match(cidr);
}

/** Why an address is not public, or null when it is ordinary public unicast. */
function blockedReason(address: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  const range = address.range();
  if (!PUBLIC_RANGES.has(range)) return RANGE_DESCRIPTIONS[range] ?? `a special-purpose address (${range})`;
  if (address.kind() === 'ipv6' && !matches(address, IPV6_GLOBAL_UNICAST)) {
    return 'an IPv6 address outside global unicast space 2000::/3';
  }
  return null;
}

/**
 * Splits a LINKER_WEBHOOK_ALLOWED_NETS value ("127.0.0.0/8, ::1/128") into CIDR strings.
 * Validation happens in createAddressPolicy so the error names the offending entry.
 */
export function parseAllowedNets(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/**
 * The network to suggest for LINKER_WEBHOOK_ALLOWED_NETS when `ip` is refused: a well-known
 * private network that contains it, otherwise the single address (/32 or /128).
 */
export function suggestAllowedNet(ip: string): string {
  const parsed = parseAddress(ip);
  if (!parsed) return ip;
  const known = SUGGESTED_NETS.find(({ cidr }) => matches(parsed.effective, cidr));
  if (known) return known.text;
  return parsed.effective.kind() === 'ipv4' ? `${parsed.effective.toString()}/32` : `${parsed.effective.toString()}/128`;
}

/**
 * Builds the policy from operator-supplied CIDRs (typically parseAllowedNets(env value)).
 * An address inside any of `allowedNets` is allowed even if it is loopback/private/etc.
 *
 * @throws Error naming LINKER_WEBHOOK_ALLOWED_NETS and the bad entry when a CIDR does not parse.
 */
export function createAddressPolicy(allowedNets: string[]): AddressPolicy {
  const nets = allowedNets.map((text) => {
    try {
      return { text, cidr: ipaddr.parseCIDR(text.trim()) as Cidr };
    } catch {
      throw new Error(
        `${ENV_NAME} contains an invalid CIDR "${text}" (expected comma-separated networks such as 127.0.0.0/8,::1/128)`,
      );
    }
  });

  // Both the raw and the unwrapped form are checked so "127.0.0.0/8" covers ::ffff:127.0.0.1
  // and an operator who wrote "::ffff:0:0/96" still gets what they asked for.
  const allowedBy = (parsed: NonNullable<ReturnType<typeof parseAddress>>) =>
    nets.find(({ cidr }) => matches(parsed.effective, cidr) || matches(parsed.raw, cidr));

  return {
    isAllowed(ip) {
      const parsed = parseAddress(ip);
      if (!parsed) return false;
      if (allowedBy(parsed)) return true;
      return blockedReason(parsed.effective) === null;
    },
    describe(ip) {
      const parsed = parseAddress(ip);
      if (!parsed) return 'not a valid IP address';
      const mappedPrefix = parsed.raw !== parsed.effective
        ? `an IPv4-mapped IPv6 address of ${parsed.effective.toString()}, `
        : '';
      const reason = blockedReason(parsed.effective);
      const net = allowedBy(parsed);
      if (net) return `${mappedPrefix}${reason ?? 'a public address'} inside ${ENV_NAME} network ${net.text}`;
      return `${mappedPrefix}${reason ?? 'a public unicast address'}`;
    },
  };
}
