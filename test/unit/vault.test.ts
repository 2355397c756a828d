import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CredentialVault, parseVaultKeys, VaultError } from '../../src/crypto/vault.js';
import { securityRow } from '../helpers/security-table.js';

const spec = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('CredentialVault', () => {
  const secret = 'valid-0123456789abcdef0123456789';

  it('round-trips and never stores the plaintext', () => {
    const vault = new CredentialVault(parseVaultKeys(spec('k1')));
    const blob = vault.encrypt(secret, 'aad');
    expect(blob).not.toContain(secret);
    expect(blob.startsWith('v1.k1.')).toBe(true);
    expect(vault.decrypt(blob, 'aad')).toBe(secret);
  });

  it('uses a new IV for every encryption, past the refills of its random pool, and what it made before a refill still decrypts', () => {
    const vault = new CredentialVault(parseVaultKeys(spec('k1')));
    const blobs = Array.from({ length: 2500 }, (_, i) => vault.encrypt(`${secret}-${i}`, `aad-${i}`));
    expect(new Set(blobs.map((b) => b.split('.')[2])).size).toBe(blobs.length);
    blobs.forEach((blob, i) => expect(vault.decrypt(blob, `aad-${i}`)).toBe(`${secret}-${i}`));
  });

  it('refuses a ciphertext moved to another owner (AAD) or tampered with', () => {
    const vault = new CredentialVault(parseVaultKeys(spec('k1')));
    const blob = vault.encrypt(secret, 'credential/acme/smartrecruiters/t1');
    expect(() => vault.decrypt(blob, 'credential/acme/smartrecruiters/t2')).toThrow(VaultError);
    const parts = blob.split('.');
    parts[4] = Buffer.from('x'.repeat(secret.length)).toString('base64');
    expect(() => vault.decrypt(parts.join('.'), 'credential/acme/smartrecruiters/t1')).toThrow(/tampered/);
  });

  it('refuses a truncated authentication tag and an IV that is not 12 bytes', () => {
    const row = securityRow('secrets', 'stored credential with a truncated GCM tag (4 of 16 bytes) or a 16-byte IV', 'refused as malformed before decryption (a 4-byte prefix of the real tag used to verify)');
    row.runs = 2;
    const keyBytes = randomBytes(32);
    const vault = new CredentialVault([{ id: 'k1', key: keyBytes }]);
    const parts = vault.encrypt(secret, 'aad').split('.');
    // GCM checks only as many tag bytes as it is given: a 4-byte prefix of the real tag verifies
    // unless the tag length is fixed, and 4 bytes fall to 2^32 guesses.
    const short = [...parts];
    short[3] = Buffer.from(parts[3]!, 'base64').subarray(0, 4).toString('base64');
    expect(() => vault.decrypt(short.join('.'), 'aad')).toThrow(/malformed.*tag of 4 bytes/);

    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-256-gcm', keyBytes, iv);
    cipher.setAAD(Buffer.from('aad'));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    const longIv = ['v1', 'k1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
    expect(() => vault.decrypt(longIv, 'aad')).toThrow(/malformed.*IV of 16 bytes/);
  });

  it('rotates: a new first key encrypts, old keys still decrypt, stale blobs are detected', () => {
    const old = spec('old');
    const before = new CredentialVault(parseVaultKeys(old));
    const blob = before.encrypt(secret, 'aad');
    const after = new CredentialVault(parseVaultKeys(`${spec('new')},${old}`));
    expect(after.decrypt(blob, 'aad')).toBe(secret);
    expect(after.isStale(blob)).toBe(true);
    expect(after.isStale(after.encrypt(secret, 'aad'))).toBe(false);
  });

  it('names the missing key id when a blob was made with an unknown key', () => {
    const blob = new CredentialVault(parseVaultKeys(spec('gone'))).encrypt(secret, 'aad');
    expect(() => new CredentialVault(parseVaultKeys(spec('k2'))).decrypt(blob, 'aad')).toThrow(/"gone".*LINKER_ENCRYPTION_KEYS/);
  });

  it('rejects malformed key specs with advice', () => {
    expect(() => parseVaultKeys('k1:c2hvcnQ=')).toThrow(/32 bytes.*openssl rand -base64 32/);
    expect(() => parseVaultKeys(':abc')).toThrow(/kid:base64key/);
  });
});
