import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, waitFor, type ApiResponse, type Harness } from '../helpers/harness.js';
import { PLATFORMS } from '../helpers/test-env.js';
import { storedData } from '../helpers/stored-data.js';
import { securityRow } from '../helpers/security-table.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const RATE_LIMIT = 40;
const BODY_LIMIT = 16 * 1024;
/** A platform that sends nothing else in this file, to show the limit is per platform. */
const INITECH = 'initech-token-0123456789abcdef';

/** Webhook URLs that point into the machine or its network, written every way a bypass tries. */
const SSRF_URLS = [
  'http://127.0.0.1/hook',
  'http://2130706433/hook', // decimal
  'http://017700000001/hook', // octal, whole
  'http://0177.0.0.1/hook', // octal, dotted
  'http://0x7f000001/hook', // hex, whole
  'http://0x7f.0x0.0x0.0x1/hook', // hex, dotted
  'http://127.1/hook', // short form
  'http://127.0.0.1.:8080/hook', // trailing dot
  'http://%31%32%37.0.0.1/hook', // percent-encoded
  'http://0/hook',
  'http://0.0.0.0/hook',
  'http://[::1]/hook',
  'http://[0:0:0:0:0:0:0:1]/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://[::ffff:7f00:1]/hook',
  'http://[::127.0.0.1]/hook',
  'http://[0:0:0:0:0:ffff:a9fe:a9fe]/latest/meta-data/',
  'http://[fe80::1]/hook',
  'http://[fd00::1]/hook',
  'http://[::]/hook',
  'http://[64:ff9b::7f00:1]/hook',
  'http://[2002:7f00:1::]/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://2852039166/latest/meta-data/', // 169.254.169.254 in decimal
  'http://10.0.0.1/hook',
  'http://172.16.0.1/hook',
  'http://192.168.0.1/hook',
  'http://100.64.0.1/hook',
  'http://localhost/hook', // DNS name resolving to loopback
  'http://LOCALHOST.:3000/hook',
  'http://ip6-localhost/hook',
  'http://anything.localhost/hook',
  'http://user:pass@example.com/hook',
  'file:///etc/passwd',
  'gopher://127.0.0.1:6379/_FLUSHALL',
];

let h: Harness;
beforeAll(async () => {
  h = await startHarness('limits', {
    workers: false,
    env: { LINKER_WEBHOOK_ALLOWED_NETS: '', LINKER_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT), LINKER_BODY_LIMIT_BYTES: String(BODY_LIMIT), LINKER_BULK_MAX_ITEMS: '50',
      LINKER_PLATFORMS: `acme:${PLATFORMS.acme},globex:${PLATFORMS.globex},initech:${INITECH}` },
  });
});
afterAll(async () => h?.close());

describe('SSRF: webhook URLs into private space are refused', () => {
  it('refuses every bypass form at registration with 400 and stores nothing', async () => {
    const row = securityRow(
      'attack',
      'SSRF bypass URLs (decimal, octal, hex, IPv6 forms, DNS names to loopback, other schemes)',
      '400 problem; a refused address is only "non-public" to the platform (no resolved IP, no allow-list hint), both in the operator log; no endpoint stored',
    );
    const before = await storedData(h);
    const logsBefore = h.logs.length;
    for (const url of SSRF_URLS) {
      const res = await h.api('POST', '/v1/webhook-endpoints', { body: { url }, token: PLATFORMS.globex });
      expect(res.status, `${url}: ${res.text}`).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.detail).not.toMatch(/LINKER_WEBHOOK_ALLOWED_NETS|loopback|link-local|private/);
      row.runs++;
    }
    const localhost = await h.api('POST', '/v1/webhook-endpoints', { body: { url: 'http://localhost/hook' }, token: PLATFORMS.globex });
    expect(localhost.body.detail).toBe('webhook URL host "localhost" resolves to a non-public address; use a URL reachable on the public internet');
    const operatorLog = h.logs.slice(logsBefore).join('\n');
    expect(operatorLog).toMatch(/"localhost\\" resolves to (127\.0\.0\.1|::1), a loopback address; allow it with LINKER_WEBHOOK_ALLOWED_NETS=/);
    expect(await storedData(h)).toEqual(before);
    expect((await h.api('GET', '/v1/webhook-endpoints', { token: PLATFORMS.globex })).body.data).toEqual([]);
  });
});

describe('body and bulk limits', () => {
  it('a body over the limit is 413, a bulk over the item limit is 400, and nothing is stored', async () => {
    const row = securityRow('attack', 'oversized bodies and bulk calls', '413 naming the configured limit (LINKER_BODY_LIMIT_BYTES) / 400 problem+json; nothing stored');
    const before = await storedData(h);
    const item = (i: number) => ({ tenantId: `big-${i}`, provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', `big-${i}`) } });
    const huge = await h.api('POST', '/v1/connect-requests', { raw: JSON.stringify({ ...item(0), metadata: { pad: 'x'.repeat(BODY_LIMIT) } }), token: PLATFORMS.globex });
    expect(huge.status, huge.text).toBe(413);
    expect(huge.body.type).toBe('urn:account-linker:problem:payload_too_large');
    expect(huge.body.detail).toContain(`limit of ${BODY_LIMIT} bytes`);
    const tooMany = await h.api('POST', '/v1/connect-requests/bulk', { body: { items: Array.from({ length: 51 }, (_, i) => item(i)) }, token: PLATFORMS.globex });
    expect(tooMany.status, tooMany.text).toBe(400);
    expect(tooMany.text).toMatch(/at most 50/);
    const deep = await h.api('POST', '/v1/connect-requests', { raw: `${'['.repeat(5000)}${']'.repeat(5000)}`, token: PLATFORMS.globex });
    expect(deep.status).toBe(400);
    row.runs = 3;
    expect(await storedData(h)).toEqual(before);
  });
});

describe('per-platform API rate limit', () => {
  it('answers 429 with Retry-After once a platform spends its budget; another platform is unaffected', async () => {
    const row = securityRow('attack', 'API flood from one platform', `429 problem+json with Retry-After after ${RATE_LIMIT}/min; other platform still served`);
    const statuses: number[] = [];
    let limited: ApiResponse | undefined;
    for (let i = 0; i < RATE_LIMIT + 5; i++) {
      const res = await h.api('GET', '/v1/connect-requests');
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
    }
    row.runs = statuses.length;
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(RATE_LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    expect(limited!.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited!.body.type).toBe('urn:account-linker:problem:rate_limited');
    // The limit is per platform, not global.
    expect((await h.api('GET', '/v1/connect-requests', { token: INITECH })).status).toBe(200);
  });
});

describe('redirects are not followed by webhook delivery', () => {
  let receiver: WebhookReceiver;
  let inside: WebhookReceiver;
  afterAll(async () => {
    await receiver?.close();
    await inside?.close();
  });

  it('a receiver answering 302 towards an internal address gets a failed attempt, and the target sees nothing', async () => {
    const row = securityRow('attack', 'webhook receiver redirecting to an internal address', '3xx recorded as a failed attempt; redirect target never called');
    const rh = await startHarness('redirect', { env: { LINKER_WEBHOOK_ALLOWED_NETS: '127.0.0.0/8' } });
    try {
      receiver = await startWebhookReceiver();
      inside = await startWebhookReceiver();
      receiver.respond({ status: 302, headers: { location: inside.url } });
      expect((await rh.api('POST', '/v1/webhook-endpoints', { body: { url: receiver.url } })).status).toBe(201);
      const created = await rh.api('POST', '/v1/connect-requests', { body: { tenantId: 't-redirect', provider: 'smartrecruiters', credentials: { apiKey: simKey('invalid', 'redirect') } } });
      const request = await waitFor(async () => {
        const r = (await rh.api('GET', `/v1/connect-requests/${created.body.id}`)).body;
        return r.confirmation === 'unconfirmed' ? r : undefined;
      }, { what: 'the confirmation to give up' });
      expect(request.status).toBe('failed');
      const messages = (await rh.api('GET', `/v1/webhook-messages?connectRequestId=${created.body.id}`)).body.data;
      expect(messages[0].attempts.every((a: { httpStatus: number }) => a.httpStatus === 302)).toBe(true);
      expect(receiver.received.length).toBe(messages[0].attempts.length);
      expect(inside.received).toHaveLength(0);
      row.runs = receiver.received.length;
    } finally {
      await rh.close();
    }
  });
});
