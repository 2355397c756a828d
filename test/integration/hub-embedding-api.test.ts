import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { PLATFORMS } from '../helpers/test-env.js';

/** The API side of the embedded Hub: session embedding context, per-session framing, branding. */
let h: Harness;
let production: Harness;

const APP = 'https://app.example.com';
const base = { tenantId: 't-embed', provider: 'smartrecruiters' };
const csp = (headers: Record<string, unknown>) => String(headers['content-security-policy']);

async function storedKeys(harness: Harness, marker: string) {
  return (await harness.dumpRedis()).split('\n').filter((line) => line.includes(marker));
}

beforeAll(async () => {
  h = await startHarness('hub-embedding-api', { workers: false });
  production = await startHarness('hub-embedding-prod', { workers: false, env: { NODE_ENV: 'production', LINKER_PUBLIC_URL: 'https://link.example.com' } });
});
afterAll(async () => {
  await h?.close();
  await production?.close();
});

describe('POST /v1/connect-sessions with an embedding context', () => {
  it('keeps allowedOrigins and returnUrl, and lasts expiresIn seconds (up to 7 days)', async () => {
    const before = Date.now();
    const res = await h.api('POST', '/v1/connect-sessions', {
      body: { ...base, allowedOrigins: [APP, 'http://localhost:5173'], returnUrl: `${APP}/integrations?tab=ats#done`, expiresIn: 7 * 24 * 3600 },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ allowedOrigins: [APP, 'http://localhost:5173'], returnUrl: `${APP}/integrations?tab=ats#done` });
    const ttl = Date.parse(res.body.expiresAt) - before;
    expect(ttl).toBeGreaterThan(7 * 24 * 3600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600_000 + 5_000);

    const view = await h.api('GET', '/hub/api/session', { token: null, headers: { authorization: `Session ${res.body.token}` } });
    expect(view.body).toMatchObject({
      state: 'open',
      tenantId: 't-embed',
      embed: { allowedOrigins: [APP, 'http://localhost:5173'], returnUrl: `${APP}/integrations?tab=ats#done` },
      branding: { displayName: null, logo: null, theme: null },
    });
  });

  it('without them, the defaults: 30 minutes, no origins, no return', async () => {
    const before = Date.now();
    const res = await h.api('POST', '/v1/connect-sessions', { body: base });
    expect(res.body).toMatchObject({ allowedOrigins: [], returnUrl: null });
    expect(Date.parse(res.body.expiresAt) - before).toBeLessThanOrEqual(30 * 60_000 + 5_000);
  });

  it.each([
    ['an http origin that is not loopback', { allowedOrigins: ['http://app.example.com'] }, 'body.allowedOrigins.0'],
    ['an origin with a path', { allowedOrigins: [`${APP}/settings`] }, 'body.allowedOrigins.0'],
    ['an origin with a trailing slash', { allowedOrigins: [`${APP}/`] }, 'body.allowedOrigins.0'],
    ['an origin in upper case', { allowedOrigins: ['https://App.Example.com'] }, 'body.allowedOrigins.0'],
    ['an origin with its default port', { allowedOrigins: ['https://app.example.com:443'] }, 'body.allowedOrigins.0'],
    ['a wildcard origin', { allowedOrigins: ['*'] }, 'body.allowedOrigins.0'],
    ['a non-https scheme', { allowedOrigins: ['ftp://app.example.com'] }, 'body.allowedOrigins.0'],
    ['a number as origin', { allowedOrigins: [443] }, 'body.allowedOrigins.0'],
    ['an origin twice', { allowedOrigins: [APP, APP] }, 'body.allowedOrigins'],
    ['eleven origins', { allowedOrigins: Array.from({ length: 11 }, (_, i) => `https://a${i}.example.com`) }, 'body.allowedOrigins'],
    ['a returnUrl off the allowed origins', { allowedOrigins: [APP], returnUrl: 'https://evil.example.net/back' }, 'body.returnUrl'],
    ['a returnUrl without allowedOrigins', { returnUrl: `${APP}/back` }, 'body.returnUrl'],
    ['a returnUrl with a password', { allowedOrigins: [APP], returnUrl: 'https://user:pw@app.example.com/back' }, 'body.returnUrl'],
    ['a javascript: returnUrl', { allowedOrigins: [APP], returnUrl: 'javascript:alert(1)' }, 'body.returnUrl'],
    ['a relative returnUrl', { allowedOrigins: [APP], returnUrl: '/back' }, 'body.returnUrl'],
    ['expiresIn under a minute', { expiresIn: 59 }, 'body.expiresIn'],
    ['expiresIn over 7 days', { expiresIn: 7 * 24 * 3600 + 1 }, 'body.expiresIn'],
    ['expiresIn as a string', { expiresIn: '1800' }, 'body.expiresIn'],
    ['a fractional expiresIn', { expiresIn: 90.5 }, 'body.expiresIn'],
  ])('refuses %s with a 400 problem naming the field, storing nothing', async (_name, extra, path) => {
    const before = await storedKeys(h, ':cs:');
    const res = await h.api('POST', '/v1/connect-sessions', { body: { ...base, ...extra } });
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(res.body.detail).toContain(path);
    expect(await storedKeys(h, ':cs:')).toEqual(before);
  });

  it('refuses http loopback origins under NODE_ENV=production, and takes https ones there', async () => {
    const loopback = await production.api('POST', '/v1/connect-sessions', { body: { ...base, allowedOrigins: ['http://localhost:3000'] } });
    expect(loopback.status).toBe(400);
    expect(loopback.body.errors[0]).toMatchObject({ path: 'body.allowedOrigins.0', message: expect.stringContaining('production') });
    const https = await production.api('POST', '/v1/connect-sessions', { body: { ...base, allowedOrigins: [APP] } });
    expect(https.status, https.text).toBe(201);
    expect(https.body.url).toMatch(/^https:\/\/link\.example\.com\/hub\?session=/);
  });
});

describe('the Hub page is framed only by its session\'s origins', () => {
  it('lists exactly those origins in frame-ancestors, for the token and for the id the page keeps on reload', async () => {
    const res = await h.api('POST', '/v1/connect-sessions', { body: { ...base, allowedOrigins: [APP, 'https://admin.example.com'] } });
    const token: string = res.body.token;
    const ref = token.split('.').slice(0, 2).join('.');
    for (const session of [token, ref]) {
      const page = await h.api('GET', `/hub?session=${encodeURIComponent(session)}`, { token: null });
      expect(page.status).toBe(200);
      expect(csp(page.headers)).toContain(`frame-ancestors ${APP} https://admin.example.com;`);
      expect(csp(page.headers)).toContain(`img-src 'self' data: ${APP} https://admin.example.com;`);
      expect(page.headers['x-frame-options']).toBeUndefined();
    }
  });

  it.each([
    ['a session without origins', async () => (await h.api('POST', '/v1/connect-sessions', { body: base })).body.token],
    ['no session', async () => ''],
    ['an unknown session', async () => 'cs_01jz0000000000000000000000.acme'],
    ['a malformed session', async () => 'not-a-session'],
  ])('with %s, nobody may frame it', async (_name, make) => {
    const session = await make();
    const page = await h.api('GET', `/hub${session ? `?session=${encodeURIComponent(session)}` : ''}`, { token: null });
    expect(page.status).toBe(200);
    expect(csp(page.headers)).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('an expired session still names its origins, so an embedded page can tell its app', async () => {
    const short = await startHarness('hub-embedding-ttl', { workers: false, env: { LINKER_CONNECT_SESSION_TTL: '1s' } });
    try {
      const res = await short.api('POST', '/v1/connect-sessions', { body: { ...base, allowedOrigins: [APP] } });
      await new Promise((r) => setTimeout(r, 1100));
      const view = await short.api('GET', '/hub/api/session', { token: null, headers: { authorization: `Session ${res.body.token}` } });
      expect(view.status).toBe(410);
      expect(view.body).toMatchObject({ type: 'urn:account-linker:problem:session_expired', allowedOrigins: [APP] });
    } finally {
      await short.close();
    }
  });
});

describe('the browser SDK and the favicon', () => {
  it('serves /hub/sdk.js as a module any origin may load', async () => {
    const res = await h.api('GET', '/hub/sdk.js', { token: null, headers: { origin: APP } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/javascript');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.text).toContain('export function openHub(');
    expect(res.text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('the page carries its favicon inline', async () => {
    const html = (await h.api('GET', '/hub', { token: null })).text;
    expect(html).toMatch(/<link rel="icon" type="image\/svg\+xml" href="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+">/);
  });
});

describe('PUT /v1/hub-settings', () => {
  const LOGO = `data:image/png;base64,${Buffer.from('\x89PNG\r\n\x1a\n').toString('base64')}`;

  it('starts at the defaults, replaces all three fields, and shows them to the platform only', async () => {
    expect((await h.api('GET', '/v1/hub-settings')).body).toEqual({ displayName: null, logo: null, accentColor: null, updatedAt: null });
    const put = await h.api('PUT', '/v1/hub-settings', { body: { displayName: '  Acme HR ', logo: LOGO, accentColor: '#FF6600' } });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ displayName: 'Acme HR', logo: LOGO, accentColor: '#ff6600', updatedAt: expect.any(String) });
    expect((await h.api('GET', '/v1/hub-settings')).body).toEqual(put.body);
    expect((await h.api('GET', '/v1/hub-settings', { token: PLATFORMS.globex })).body.displayName).toBeNull();

    const res = await h.api('POST', '/v1/connect-sessions', { body: base });
    const view = await h.api('GET', '/hub/api/session', { token: null, headers: { authorization: `Session ${res.body.token}` } });
    expect(view.body.branding).toMatchObject({ displayName: 'Acme HR', logo: LOGO, theme: { light: { brand: expect.stringMatching(/^#[0-9a-f]{6}$/) } } });

    // PUT replaces: what is left out goes back to the default.
    const only = await h.api('PUT', '/v1/hub-settings', { body: { displayName: 'Acme' } });
    expect(only.body).toMatchObject({ displayName: 'Acme', logo: null, accentColor: null });
  });

  it('shows an https logo only on sessions that allow its origin', async () => {
    await h.api('PUT', '/v1/hub-settings', { token: PLATFORMS.globex, body: { logo: `${APP}/logo.png` } });
    const logoOf = async (allowedOrigins: string[]) => {
      const res = await h.api('POST', '/v1/connect-sessions', { token: PLATFORMS.globex, body: { ...base, allowedOrigins } });
      const view = await h.api('GET', '/hub/api/session', { token: null, headers: { authorization: `Session ${res.body.token}` } });
      return view.body.branding.logo;
    };
    expect(await logoOf([APP])).toBe(`${APP}/logo.png`);
    expect(await logoOf(['https://other.example.com'])).toBeNull();
    expect(await logoOf([])).toBeNull();
  });

  it.each([
    ['an empty displayName', { displayName: '  ' }, 'body.displayName'],
    ['a displayName with a control character', { displayName: 'Acme\u0007' }, 'body.displayName'],
    ['a 61-character displayName', { displayName: 'x'.repeat(61) }, 'body.displayName'],
    ['a colour name', { accentColor: 'red' }, 'body.accentColor'],
    ['a three-digit colour', { accentColor: '#f60' }, 'body.accentColor'],
    ['an http logo', { logo: 'http://app.example.com/logo.png' }, 'body.logo'],
    ['an html data URL', { logo: 'data:text/html;base64,PGgxPmhpPC9oMT4=' }, 'body.logo'],
    ['a data URL that is not base64', { logo: 'data:image/png;base64,@@@' }, 'body.logo'],
    ['a logo over the size limit', { logo: `data:image/png;base64,${'A'.repeat(70_000)}` }, 'body.logo'],
    ['an https logo with a password', { logo: 'https://u:p@app.example.com/logo.png' }, 'body.logo'],
    ['an unknown field', { theme: 'dark' }, 'body'],
  ])('refuses %s with a 400 problem naming the field, changing nothing', async (_name, body, path) => {
    const before = (await h.api('GET', '/v1/hub-settings')).body;
    const res = await h.api('PUT', '/v1/hub-settings', { body });
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await h.api('GET', '/v1/hub-settings')).body).toEqual(before);
  });

  it('needs a platform token', async () => {
    expect((await h.api('PUT', '/v1/hub-settings', { token: null, body: {} })).status).toBe(401);
  });
});
