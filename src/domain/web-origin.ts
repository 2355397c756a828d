/**
 * Web origins a platform names for its embedded Connect Hub. An origin is compared exactly by
 * browsers (frame-ancestors, postMessage targetOrigin), so only the canonical serialization is
 * accepted: `https://app.example.com` or `https://app.example.com:8443`, no path, no trailing
 * slash, no upper case, no default port.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface OriginPolicy {
  /** Accept `http://localhost`, `http://127.0.0.1` and `http://[::1]` origins (any port): development only. */
  loopbackHttp: boolean;
}

/** Why `value` is not an origin this policy accepts, or null when it is one. */
export function originProblem(value: string, policy: OriginPolicy): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URL; give an origin such as "https://app.example.com"`;
  }
  if (url.origin !== value) {
    return `${JSON.stringify(value)} is not an exact origin; give scheme, host and port only, as the browser writes it (e.g. ${JSON.stringify(url.origin === 'null' ? 'https://app.example.com' : url.origin)})`;
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) {
    return policy.loopbackHttp ? null : `${value} is an http loopback origin, allowed only outside NODE_ENV=production; use an https origin`;
  }
  return `${value} is not https; the Hub may only be embedded by https origins (http://localhost is allowed outside production)`;
}

/** The origin of an absolute URL, or null when it is not one. */
export function originOf(value: string): string | null {
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}
