import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { key, platformBase } from '../../src/store/keys.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { linkTenant } from '../helpers/link.js';

let h: Harness;
let base: string;

beforeAll(async () => {
  h = await startHarness('retention', { env: { LINKER_RETENTION: '2s', LINKER_ACCOUNT_HISTORY: '3', LINKER_CONNECT_SESSION_TTL: '1s' } });
  base = platformBase(h.rt.env.LINKER_REDIS_PREFIX, 'acme');
});
afterAll(async () => h?.close());

/** Whether any account key or index still names `accountId`. */
async function accountTraces(accountId: string, tenantId: string): Promise<string[]> {
  const r = h.rt.redis;
  const base = h.rt.accounts.bases.ofTenant('acme', tenantId);
  const traces: string[] = [];
  for (const k of [key.account(base, accountId), key.accountHistory(base, accountId), key.accountCredential(base, accountId)]) if (await r.exists(k)) traces.push(k);
  if ((await r.get(key.accountByTenant(base, 'smartrecruiters', tenantId))) === accountId) traces.push('acc-by-tenant');
  for (const index of [key.accountIndex(base), ...['active', 'invalid', 'revoked'].map((s) => key.accountsByStatus(base, s))]) {
    if ((await r.zscore(index, accountId)) !== null) traces.push(index);
  }
  return traces;
}

const unlink = async (accountId: string) => expect((await h.api('DELETE', `/v1/accounts/${accountId}`)).status).toBe(200);

describe('accounts (LINKER_RETENTION=2s, LINKER_ACCOUNT_HISTORY=3)', () => {
  it('an account keeps the last 3 history entries', async () => {
    const links = [];
    for (let i = 0; i < 4; i++) links.push(await linkTenant(h, 't-history', simKey('valid', `history-${i}`)));
    const account = (await h.api('GET', `/v1/accounts/${links[0]!.accountId}`)).body;
    expect(account.history.map((e: { connectRequestId: string }) => e.connectRequestId)).toEqual(links.slice(1).map((l) => l.id));
  });

  it("a revoked account's record and index entries go after the retention period; the tenant then links anew", async () => {
    const { accountId } = await linkTenant(h, 't-revoked', simKey('valid', 'revoked-1'));
    await unlink(accountId);
    await waitFor(async () => (await accountTraces(accountId, 't-revoked')).length === 0, { what: 'the revoked account to expire' });
    expect((await h.api('GET', `/v1/accounts/${accountId}`)).status).toBe(404);
    for (const query of ['', '?status=revoked', '?tenantId=t-revoked']) {
      const list = await h.api('GET', `/v1/accounts${query}`);
      expect(list.status).toBe(200);
      expect(list.body.data.map((a: { id: string }) => a.id)).not.toContain(accountId);
    }
    const relinked = await linkTenant(h, 't-revoked', simKey('valid', 'revoked-2'));
    expect(relinked.operation).toBe('created');
    expect(relinked.accountId).not.toBe(accountId);
  });

  it('an account linked again before its revoked record expired lives on as the same account', async () => {
    const { accountId } = await linkTenant(h, 't-back', simKey('valid', 'back-1'));
    await unlink(accountId);
    const again = await linkTenant(h, 't-back', simKey('valid', 'back-2'));
    expect(again).toMatchObject({ accountId, operation: 'updated' });
    // Past the revoked record's expiry, seen through one later unlink's expiry of another account.
    const { accountId: other } = await linkTenant(h, 't-back-probe', simKey('valid', 'back-probe'));
    await unlink(other);
    await waitFor(async () => (await accountTraces(other, 't-back-probe')).length === 0, { what: 'the probe account to expire' });
    const account = await h.api('GET', `/v1/accounts/${accountId}`);
    expect(account.body).toMatchObject({ status: 'active', connectRequestId: again.id });
    expect(await h.rt.redis.pttl(key.account(h.rt.accounts.bases.ofId('acme', accountId), accountId))).toBe(-1);
    expect((await h.api('GET', '/v1/accounts?tenantId=t-back')).body.data.map((a: { id: string }) => a.id)).toEqual([accountId]);
  });
});

describe('connect sessions (LINKER_CONNECT_SESSION_TTL=1s)', () => {
  it('an expired session is removed after the retention period and its page says expired', async () => {
    const res = await h.api('POST', '/v1/connect-sessions', { body: { tenantId: 't-session', provider: 'smartrecruiters' } });
    expect(res.status).toBe(201);
    const id = (res.body.token as string).split('.')[0]!;
    expect(await h.rt.redis.exists(key.session(base, id))).toBe(1);
    await waitFor(async () => (await h.rt.redis.exists(key.session(base, id))) === 0, { what: 'the session to expire' });
    const page = await h.api('GET', '/hub/api/session', { token: null, headers: { authorization: `Session ${res.body.token}` } });
    expect(page.status).toBe(410);
  });
});
