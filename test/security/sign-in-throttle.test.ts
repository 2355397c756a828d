import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import { startHarness, type ApiCall, type ApiResponse, type Harness } from '../helpers/harness.js';
import { ADMIN_TOKEN, PLATFORMS } from '../helpers/test-env.js';
import { securityRow } from '../helpers/security-table.js';

const FAILURES = 5;
const ENV = { LINKER_SIGN_IN_FAILURES: String(FAILURES), LINKER_SIGN_IN_WINDOW: '10m', LINKER_TRUSTED_PROXIES: '127.0.0.1/32', LINKER_LOG_LEVEL: 'warn' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness('sign-in-throttle', { workers: false, env: ENV });
});
afterAll(async () => h?.close());

/** Each case comes from its own client address (X-Forwarded-For through the trusted loopback proxy). */
const from = (ip: string, call: ApiCall = {}): ApiCall => ({ ...call, headers: { ...call.headers, 'x-forwarded-for': ip } });

/** Well-formed and recent (an old one would be 410 expired), but never issued. */
const unknownSession = `${newId('connectSession')}.acme.${'A'.repeat(43)}`;
const attempts: [string, (ip: string) => Promise<ApiResponse>][] = [
  ['wrong platform token', (ip) => h.api('GET', '/v1/connect-requests', from(ip, { token: 'wrong-token-0123456789abcdef' }))],
  ['wrong admin token', (ip) => h.api('GET', '/admin/queues/api/queues', from(ip, { token: 'wrong-admin-token-0123456789abcdef' }))],
  [
    'wrong /admin/login form',
    (ip) => h.api('POST', '/admin/login', from(ip, { token: null, raw: 'token=wrong-admin-token-0123456789abcdef', headers: { 'content-type': 'application/x-www-form-urlencoded' } })),
  ],
  ['unknown Hub session', (ip) => h.api('GET', '/hub/api/session', from(ip, { token: null, headers: { authorization: `Session ${unknownSession}` } }))],
];

describe('failed sign-ins are throttled per client IP', () => {
  it.each(attempts.map(([name, attempt], i) => [name, attempt, `203.0.113.${i + 1}`] as const))('%s: 401 up to the limit, then 429 with Retry-After', async (name, attempt, ip) => {
    const row = securityRow('attack', `sign-in guessing: ${name}`, `401 for the first ${FAILURES} failures from one IP, then 429 problem+json with Retry-After; other IPs unaffected`);
    for (let i = 0; i < FAILURES; i++) {
      expect((await attempt(ip)).status).toBe(401);
      row.runs++;
    }
    const limited = await attempt(ip);
    row.runs++;
    expect(limited.status, limited.text).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.body.type).toBe('urn:account-linker:problem:sign_in_throttled');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // The address is held even with the right token; another address is not.
    expect((await h.api('GET', '/v1/connect-requests', from(ip))).status).toBe(429);
    expect((await h.api('GET', '/admin/queues/api/queues', from(ip, { token: ADMIN_TOKEN }))).status).toBe(429);
    expect((await h.api('GET', '/v1/connect-requests', from('198.51.100.7'))).status).toBe(200);
  });

  it('requests without credentials and successful sign-ins are never counted', async () => {
    for (let i = 0; i < FAILURES * 3; i++) {
      expect((await h.api('GET', '/v1/connect-requests', from('198.51.100.8'))).status).toBe(200);
      expect((await h.api('GET', '/healthz', from('198.51.100.8', { token: null }))).status).toBe(200);
    }
    expect((await h.api('GET', '/v1/connect-requests', from('198.51.100.8', { token: PLATFORMS.globex }))).status).toBe(200);
  });

  it('every API process adds to one count', async () => {
    const other = await startHarness('sign-in-throttle-2', { workers: false, env: { ...ENV, LINKER_REDIS_PREFIX: h.rt.env.LINKER_REDIS_PREFIX } });
    try {
      const ip = '203.0.113.99';
      const wrong = { token: 'wrong-token-0123456789abcdef' };
      for (let i = 0; i < FAILURES; i++) expect((await (i % 2 ? other : h).api('GET', '/v1/connect-requests', from(ip, wrong))).status).toBe(401);
      // `other` saw fewer than FAILURES itself; its next failure reads the shared count and holds the address.
      expect((await other.api('GET', '/v1/connect-requests', from(ip, wrong))).status).toBe(401);
      expect((await other.api('GET', '/v1/connect-requests', from(ip))).status).toBe(429);
      expect((await h.api('GET', '/v1/connect-requests', from(ip))).status).toBe(429);
    } finally {
      await other.app.close();
      await other.rt.close();
      await other.sim.close();
    }
  });
});
