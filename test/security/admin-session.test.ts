import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { ADMIN_TOKEN, testEnvVars } from '../helpers/test-env.js';
import { securityRow } from '../helpers/security-table.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('admin-session', { workers: false, env: { LINKER_PUBLIC_URL: 'https://linker.example.com' } });
});
afterAll(async () => h?.close());

const signIn = (target: Harness, token: string) =>
  target.api('POST', '/admin/login', { token: null, raw: `token=${encodeURIComponent(token)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const board = (target: Harness, cookie: string) => target.api('GET', '/admin/queues/api/queues', { token: null, headers: { cookie } });

describe('admin sign-in', () => {
  it('the cookie holds an opaque, expiring server-side session id, Secure behind https, ended by sign-out', async () => {
    const row = securityRow('attack', 'admin dashboard session cookie', 'opaque id (not the token), HttpOnly, SameSite=Strict, Secure with https LINKER_PUBLIC_URL, expires in Redis after 8 h; sign-out and a changed admin token end it');
    const res = await signIn(h, ADMIN_TOKEN);
    expect(res.status).toBe(303);
    const setCookie = String(res.headers['set-cookie']);
    const cookie = setCookie.split(';')[0]!;
    expect(setCookie).not.toContain(ADMIN_TOKEN);
    expect(setCookie).not.toContain(encodeURIComponent(ADMIN_TOKEN));
    expect(cookie).toMatch(/^linker_admin=[A-Za-z0-9_-]{43}$/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; Max-Age=28800/);
    // Redis holds a digest of the id, not the id, and lets it expire.
    const id = cookie.split('=')[1]!;
    const dump = await h.dumpRedis();
    expect(dump).not.toContain(id);
    expect(dump).not.toContain(ADMIN_TOKEN);
    const [sessionKey] = await h.rt.redis.keys(`${h.rt.env.LINKER_REDIS_PREFIX}:*admin-session:*`);
    const ttl = await h.rt.redis.pttl(sessionKey!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(8 * 3600_000);
    expect((await board(h, cookie)).status).toBe(200);
    row.runs++;

    // The admin token itself is no longer a cookie value the board accepts.
    expect((await board(h, `linker_admin=${encodeURIComponent(ADMIN_TOKEN)}`)).status).toBe(401);
    row.runs++;

    const out = await h.api('POST', '/admin/logout', { token: null, headers: { cookie } });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/admin/login');
    expect(String(out.headers['set-cookie'])).toMatch(/^linker_admin=; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=0; Secure$/);
    expect((await board(h, cookie)).status).toBe(401);
    row.runs++;

    // A process started with another admin token (same Redis) no longer honours old sessions.
    const again = String((await signIn(h, ADMIN_TOKEN)).headers['set-cookie']).split(';')[0]!;
    const rotated = await startHarness('admin-session-rotated', {
      workers: false,
      env: { LINKER_REDIS_PREFIX: h.rt.env.LINKER_REDIS_PREFIX, LINKER_ADMIN_TOKEN: `${ADMIN_TOKEN}-rotated` },
    });
    try {
      expect((await board(h, again)).status).toBe(200);
      expect((await board(rotated, again)).status).toBe(401);
      row.runs++;
    } finally {
      await rotated.app.close();
      await rotated.rt.close();
      await rotated.sim.close();
    }
  });

  it('without an https LINKER_PUBLIC_URL the cookie is not marked Secure', async () => {
    const plain = await startHarness('admin-session-http', { workers: false });
    try {
      expect(String((await signIn(plain, ADMIN_TOKEN)).headers['set-cookie'])).not.toMatch(/Secure/);
    } finally {
      await plain.close();
    }
  });

  it('refuses to start with an admin token shorter than 32 characters', () => {
    const row = securityRow('attack', 'short LINKER_ADMIN_TOKEN', 'refused at start with a message naming the variable and how to make one');
    expect(() => loadEnv(testEnvVars('short-admin', { LINKER_ADMIN_TOKEN: 'a'.repeat(31) }))).toThrow(/LINKER_ADMIN_TOKEN: must be at least 32 characters; make one with: openssl rand -hex 24/);
    expect(() => loadEnv(testEnvVars('short-admin', { LINKER_ADMIN_TOKEN: 'a'.repeat(32) }))).not.toThrow();
    row.runs = 2;
  });
});
