import type { RedisClient } from './redis-client.js';
import type { ScriptRunner } from './scripts.js';
import type { CredentialVault } from '../crypto/vault.js';

/**
 * Reads and decrypts the credential at `key`. A ciphertext made with an older vault key is
 * re-encrypted with the current one and written back (compare-and-set), so after a key rotation
 * every credential that is used moves to the new key, and the old key can be retired once
 * nothing stale is left.
 */
export async function openSealedCredential(redis: RedisClient, run: ScriptRunner, key: string, vault: CredentialVault, aad: string): Promise<string | null> {
  const blob = await redis.get(key);
  return blob === null ? null : openSealedBlob(run, key, blob, vault, aad);
}

/** The same for a ciphertext the caller already read from `key` (in a pipeline with other reads). */
export async function openSealedBlob(run: ScriptRunner, key: string, blob: string, vault: CredentialVault, aad: string): Promise<string> {
  const plaintext = vault.decrypt(blob, aad);
  if (vault.isStale(blob)) await run.replaceCredential({ credential: key }, { old: blob, fresh: vault.encrypt(plaintext, aad) });
  return plaintext;
}
