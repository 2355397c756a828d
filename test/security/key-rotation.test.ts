import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { CredentialVault, parseVaultKeys } from '../../src/crypto/vault.js';
import { credentialAad } from '../../src/crypto/credential-aad.js';
import { key, platformBase, ShardBases } from '../../src/store/keys.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { securityRow } from '../helpers/security-table.js';

const OLD = `old:${randomBytes(32).toString('base64')}`;
const NEW = `new:${randomBytes(32).toString('base64')}`;
const only = (spec: string) => new CredentialVault(parseVaultKeys(spec));
const kidOf = (blob: string | null) => blob?.split('.')[1];

const harnesses: Harness[] = [];
afterAll(async () => {
  for (const h of harnesses.reverse()) await h.close();
});

describe('encryption key rotation', () => {
  it('a vault with a new first key reads credentials sealed with the old one, re-encrypts them on use, and the link goes through', async () => {
    const row = securityRow('secrets', 'encryption key rotation (new first key, old key kept)', 'old credentials still read; re-encrypted with the new key on use; old key alone no longer opens them');
    // Before the rotation: requests are sealed with the old key and wait in the queue.
    const before = await startHarness('rotation', { workers: false, env: { LINKER_ENCRYPTION_KEYS: OLD } });
    harnesses.push(before);
    const prefix = before.rt.env.LINKER_REDIS_PREFIX;
    const apiKeys = Array.from({ length: 5 }, (_, i) => simKey('valid', `rotation-${i}`));
    const ids: string[] = [];
    for (const [i, apiKey] of apiKeys.entries()) {
      const res = await before.api('POST', '/v1/connect-requests', { body: { tenantId: `rot-${i}`, provider: 'smartrecruiters', credentials: { apiKey } } });
      expect(res.status, res.text).toBe(202);
      ids.push(res.body.id);
    }
    const bases = new ShardBases(prefix);
    for (const id of ids) expect(kidOf(await before.rt.redis.get(key.pendingCredential(bases.ofId('acme', id), id)))).toBe('old');

    // After the rotation: LINKER_ENCRYPTION_KEYS=new,old on the same data, workers running.
    const after = await startHarness('rotation', { env: { LINKER_REDIS_PREFIX: prefix, LINKER_ENCRYPTION_KEYS: `${NEW},${OLD}` } });
    harnesses.push(after);
    for (const id of ids) {
      const request = await waitFor(async () => {
        const r = (await after.api('GET', `/v1/connect-requests/${id}`)).body;
        return r.status === 'linked' || r.status === 'failed' ? r : undefined;
      }, { what: `request ${id} to finish` });
      expect(request.status).toBe('linked');
      const blob = await after.rt.redis.get(key.accountCredential(bases.ofId('acme', request.accountId), request.accountId));
      expect(kidOf(blob)).toBe('new');
      const aad = credentialAad('acme', 'smartrecruiters', request.tenantId);
      expect(only(NEW).decrypt(blob!, aad)).toBe(apiKeys[ids.indexOf(id)]);
      expect(() => only(OLD).decrypt(blob!, aad)).toThrow(/not in LINKER_ENCRYPTION_KEYS/);
      row.runs++;
    }

    // An account credential still sealed with the old key (linked before the rotation) moves too.
    const account = (await after.api('GET', '/v1/accounts?tenantId=rot-0')).body.data[0];
    const aad = credentialAad('acme', 'smartrecruiters', 'rot-0');
    const accountKey = key.accountCredential(bases.ofId('acme', account.id), account.id);
    await after.rt.redis.set(accountKey, only(OLD).encrypt(apiKeys[0]!, aad));
    expect(await after.rt.accounts.credential('acme', account.id, after.rt.vault, aad)).toBe(apiKeys[0]);
    expect(kidOf(await after.rt.redis.get(accountKey))).toBe('new');
    // Reading again changes nothing (the blob is current).
    const current = await after.rt.redis.get(accountKey);
    await after.rt.accounts.credential('acme', account.id, after.rt.vault, aad);
    expect(await after.rt.redis.get(accountKey)).toBe(current);
    row.runs++;

    const dump = await after.dumpRedis();
    for (const apiKey of apiKeys) expect(dump).not.toContain(apiKey);
  });

  it('re-encryption never resurrects or overwrites a credential that changed meanwhile', async () => {
    const h = harnesses[1]!;
    const base = platformBase(h.rt.env.LINKER_REDIS_PREFIX, 'acme');
    const aad = credentialAad('acme', 'smartrecruiters', 'gone');
    const stale = only(OLD).encrypt('k'.repeat(32), aad);
    const credKey = key.accountCredential(base, 'acc_gone');
    // A compare-and-set against a different current value is refused.
    await h.rt.redis.set(credKey, 'v1.new.other');
    const run = (await import('../../src/store/scripts.js')).scripts(h.rt.redis);
    expect(await run.replaceCredential({ credential: credKey }, { old: stale, fresh: 'x' })).toBe(0);
    expect(await h.rt.redis.get(credKey)).toBe('v1.new.other');
    await h.rt.redis.del(credKey);
    expect(await run.replaceCredential({ credential: credKey }, { old: stale, fresh: 'x' })).toBe(0);
    expect(await h.rt.redis.exists(credKey)).toBe(0);
  });
});
