import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { PLATFORMS } from '../helpers/test-env.js';
import { ConnectSessionStore } from '../../src/store/connect-session-store.js';
import { key as keys, platformBase } from '../../src/store/keys.js';

let h: Harness;
const usedKeys: string[] = [];
const tokens: string[] = [];

function key(prefix: string, seed: string): string {
  const k = simKey(prefix, seed);
  usedKeys.push(k);
  return k;
}

async function newSession(tenantId: string, platformToken: string = PLATFORMS.acme) {
  const res = await h.api('POST', '/v1/connect-sessions', { token: platformToken, body: { tenantId, provider: 'smartrecruiters' } });
  expect(res.status, res.text).toBe(201);
  tokens.push(res.body.token);
  return res.body as { token: string; url: string; expiresAt: string };
}

const hub = (method: string, path: string, token: string | null, body?: unknown) =>
  h.api(method, path, { token: null, body, headers: token === null ? {} : { authorization: `Session ${token}` } });

async function settled(token: string) {
  return waitFor(
    async () => {
      const res = await hub('GET', '/hub/api/session', token);
      return ['linked', 'failed'].includes(res.body.request?.status) ? res.body : undefined;
    },
    { what: 'the session request to finish' },
  );
}

async function sessionKeys() {
  return (await h.dumpRedis()).split('\n').filter((line) => line.includes(':cs:'));
}

beforeAll(async () => {
  h = await startHarness('sessions');
});
afterAll(async () => h?.close());

describe('POST /v1/connect-sessions', () => {
  it('returns a token, a Hub url on the called host and an expiry 30 minutes out', async () => {
    const before = Date.now();
    const res = await h.api('POST', '/v1/connect-sessions', { body: { tenantId: 't-create', provider: 'smartrecruiters', metadata: { plan: 'pro' } } });
    expect(res.status, res.text).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const { token, url, expiresAt } = res.body;
    tokens.push(token);
    expect(token).toMatch(/^cs_[0-9a-z]{26}\.acme\.[A-Za-z0-9_-]{43}$/);
    expect(url).toBe(`${h.url}/hub?session=${encodeURIComponent(token)}`);
    const ttl = Date.parse(expiresAt) - before;
    expect(ttl).toBeGreaterThan(29 * 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * 60_000 + 5_000);
    // Only a digest of the secret is stored.
    expect(await h.dumpRedis()).not.toContain(token.split('.')[2]);
  });

  it.each([
    ['no tenantId', { provider: 'smartrecruiters' }, 'body.tenantId'],
    ['a number as tenantId', { tenantId: 42, provider: 'smartrecruiters' }, 'body.tenantId'],
    ['an unknown provider', { tenantId: 't-1', provider: 'greenhouse' }, 'body.provider'],
    ['an unknown field', { tenantId: 't-1', provider: 'smartrecruiters', credentials: { apiKey: 'x' } }, 'body'],
    ['metadata too large', { tenantId: 't-1', provider: 'smartrecruiters', metadata: { blob: 'x'.repeat(5000) } }, 'body.metadata'],
  ])('rejects %s with a 400 problem and stores nothing', async (_name, body, path) => {
    const before = await sessionKeys();
    const res = await h.api('POST', '/v1/connect-sessions', { body });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await sessionKeys()).toEqual(before);
  });

  it('needs a platform token', async () => {
    const res = await h.api('POST', '/v1/connect-sessions', { token: null, body: { tenantId: 't-1', provider: 'smartrecruiters' } });
    expect(res.status).toBe(401);
  });
});

describe('the Hub API with a session token', () => {
  it('shows an open session, then links the key it sends for its own platform and tenant only', async () => {
    const { token } = await newSession('t-hub-valid');
    const open = await hub('GET', '/hub/api/session', token);
    expect(open.status).toBe(200);
    expect(open.body).toMatchObject({ state: 'open', request: null });

    const apiKey = key('valid', 'sessions-valid');
    // Pasted with a stray newline: the Hub trims it.
    const sent = await hub('POST', '/hub/api/connect', token, { apiKey: `  ${apiKey}\n` });
    expect(sent.status, sent.text).toBe(202);
    // A fast worker may already have picked the request up by the time the answer is built.
    expect(sent.body).toMatchObject({ state: 'used', request: { status: expect.stringMatching(/^(queued|validating)$/) } });

    const done = await settled(token);
    expect(done.request).toMatchObject({ status: 'linked', company: { name: expect.stringMatching(/\S/) }, error: null });

    const mine = await h.api('GET', '/v1/connect-requests?tenantId=t-hub-valid');
    expect(mine.body.data).toHaveLength(1);
    expect(mine.body.data[0]).toMatchObject({ status: 'linked', tenantId: 't-hub-valid' });
    const account = await h.api('GET', `/v1/accounts/${mine.body.data[0].accountId}`);
    expect(account.body.credential.fingerprint).toBe(apiKey.slice(-4));
    const theirs = await h.api('GET', '/v1/connect-requests?tenantId=t-hub-valid', { token: PLATFORMS.globex });
    expect(theirs.body.data).toHaveLength(0);
  });

  it('is single use: a second key after a successful link is refused and changes nothing', async () => {
    const { token } = await newSession('t-hub-once');
    expect((await hub('POST', '/hub/api/connect', token, { apiKey: key('valid', 'sessions-once') })).status).toBe(202);
    await settled(token);
    const again = await hub('POST', '/hub/api/connect', token, { apiKey: key('valid', 'sessions-once-2') });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('urn:account-linker:problem:session_used');
    const list = await h.api('GET', '/v1/connect-requests?tenantId=t-hub-once');
    expect(list.body.data).toHaveLength(1);
    // The page can still read the outcome of its own key.
    expect((await hub('GET', '/hub/api/session', token)).body).toMatchObject({ state: 'used', request: { status: 'linked' } });
  });

  it('lets only one of two simultaneous Connect clicks through', async () => {
    const { token } = await newSession('t-hub-race');
    const results = await Promise.all([
      hub('POST', '/hub/api/connect', token, { apiKey: key('valid', 'race-a') }),
      hub('POST', '/hub/api/connect', token, { apiKey: key('valid', 'race-b') }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([202, 409]);
    const list = await h.api('GET', '/v1/connect-requests?tenantId=t-hub-race');
    expect(list.body.data).toHaveLength(1);
  });

  it('explains a wrong key in plain words and lets the end user try another one', async () => {
    const { token } = await newSession('t-hub-retry');
    await hub('POST', '/hub/api/connect', token, { apiKey: key('invalid', 'sessions-retry') });
    const failed = await settled(token);
    expect(failed.state).toBe('open');
    expect(failed.request.error).toMatchObject({ code: 'invalid_credentials', title: 'SmartRecruiters did not accept this API key' });

    expect((await hub('POST', '/hub/api/connect', token, { apiKey: key('valid', 'sessions-retry-2') })).status).toBe(202);
    await waitFor(async () => ((await hub('GET', '/hub/api/session', token)).body.request?.status === 'linked' ? true : undefined), { what: 'the second key to link' });
  });

  it.each([
    ['forbidden', 'This API key is missing an access group or role'],
    ['nofeature', 'Your SmartRecruiters company does not have API access'],
  ])('tells a %s key apart from the others', async (prefix, title) => {
    const { token } = await newSession(`t-hub-${prefix}`);
    await hub('POST', '/hub/api/connect', token, { apiKey: key(prefix, `sessions-${prefix}`) });
    const failed = await settled(token);
    expect(failed.request.error.title).toBe(title);
  });

  it('refuses a malformed key with a 400 and keeps the session open', async () => {
    const { token } = await newSession('t-hub-short');
    const res = await hub('POST', '/hub/api/connect', token, { apiKey: 'too-short' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.apiKey');
    expect((await hub('GET', '/hub/api/session', token)).body).toMatchObject({ state: 'open', request: null });
  });

  it('answers a tenant already in flight with a 409 and gives the session back', async () => {
    await h.api('POST', '/v1/connect-requests', { body: { tenantId: 't-hub-busy', provider: 'smartrecruiters', credentials: { apiKey: key('ratelimit', 'busy') } } });
    const { token } = await newSession('t-hub-busy');
    const res = await hub('POST', '/hub/api/connect', token, { apiKey: key('valid', 'busy-2') });
    expect(res.status).toBe(409);
    expect(res.body.title).toBe('A connection is already being checked');
    expect((await hub('GET', '/hub/api/session', token)).body).toMatchObject({ state: 'open', request: null });
  });

  it('refuses a missing, malformed, tampered or re-targeted token with 401 session_invalid', async () => {
    const { token } = await newSession('t-hub-tamper');
    const [id, , secret] = token.split('.');
    const flipped = secret!.slice(0, -1) + (secret!.endsWith('A') ? 'B' : 'A');
    const globexSession = await newSession('t-hub-tamper', PLATFORMS.globex);
    for (const bad of [null, 'nonsense', token.slice(0, -3), `${id}.acme.${flipped}`, `${id}.globex.${secret}`, `${globexSession.token.split('.')[0]}.acme.${secret}`]) {
      const res = await hub('GET', '/hub/api/session', bad);
      expect(res.status, String(bad)).toBe(401);
      expect(res.body.type).toBe('urn:account-linker:problem:session_invalid');
      expect((await hub('POST', '/hub/api/connect', bad, { apiKey: key('valid', 'tamper') })).status).toBe(401);
    }
    expect((await h.api('GET', '/v1/connect-requests?tenantId=t-hub-tamper')).body.data).toHaveLength(0);
  });
});

describe('the Hub page', () => {
  it('is served with a strict CSP, no referrer and no caching; its assets too', async () => {
    const { token } = await newSession('t-page');
    for (const [path, type] of [
      [`/hub?session=${token}`, 'text/html'],
      ['/hub/hub.js', 'text/javascript'],
      ['/hub/hub.css', 'text/css'],
    ] as const) {
      const res = await h.api('GET', path, { token: null });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain(type);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const html = (await h.api('GET', '/hub', { token: null })).text;
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]|https?:\/\//);
  });
});

describe('a session that expires between its claim and its outcome', () => {
  it('is not brought back for good by binding or releasing the claim', async () => {
    const retentionMs = 60_000;
    const store = new ConnectSessionStore(h.rt.redis, h.rt.env.LINKER_REDIS_PREFIX, { retentionMs });
    for (const settle of [(id: string) => store.bind('acme', id, 'cr_gone'), (id: string) => store.release('acme', id, null)]) {
      const { id } = await store.create('acme', { tenantId: 'tenant-expiring', provider: 'smartrecruiters' }, 1000);
      expect(await store.claim('acme', id)).toBe('claimed');
      const k = keys.session(platformBase(h.rt.env.LINKER_REDIS_PREFIX, 'acme'), id);
      await h.rt.redis.del(k);
      await settle(id);
      const ttl = await h.rt.redis.pttl(k);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(retentionMs);
    }
  });
});

describe('secrets', () => {
  it('no API key or session secret appears in logs, Redis or Hub responses', async () => {
    const dump = await h.dumpRedis();
    const logs = h.logs.join('\n');
    expect(usedKeys.length).toBeGreaterThan(5);
    for (const apiKey of usedKeys) {
      expect(dump).not.toContain(apiKey);
      expect(logs).not.toContain(apiKey);
    }
    for (const token of tokens) {
      expect(logs).not.toContain(token.split('.')[2]);
      expect(dump).not.toContain(token.split('.')[2]);
    }
  });
});

describe('with a short session TTL and a public URL', () => {
  let short: Harness;
  beforeAll(async () => {
    short = await startHarness('sessions-ttl', { workers: false, env: { LINKER_CONNECT_SESSION_TTL: '1s', LINKER_PUBLIC_URL: 'https://link.example.com/linker' } });
  });
  afterAll(async () => short?.close());

  it('builds the url from LINKER_PUBLIC_URL', async () => {
    const res = await short.api('POST', '/v1/connect-sessions', { body: { tenantId: 't-url', provider: 'smartrecruiters' } });
    expect(res.body.url).toBe(`https://link.example.com/linker/hub?session=${encodeURIComponent(res.body.token)}`);
  });

  it('an expired session answers 410 session_expired and accepts no key', async () => {
    const res = await short.api('POST', '/v1/connect-sessions', { body: { tenantId: 't-expired', provider: 'smartrecruiters' } });
    const auth = { authorization: `Session ${res.body.token}` };
    await new Promise((r) => setTimeout(r, 1100));
    const view = await short.api('GET', '/hub/api/session', { token: null, headers: auth });
    expect(view.status).toBe(410);
    expect(view.body.type).toBe('urn:account-linker:problem:session_expired');
    const sent = await short.api('POST', '/hub/api/connect', { token: null, headers: auth, body: { apiKey: simKey('valid', 'expired') } });
    expect(sent.status).toBe(410);
    expect((await short.api('GET', '/v1/connect-requests?tenantId=t-expired')).body.data).toHaveLength(0);
  });
});
