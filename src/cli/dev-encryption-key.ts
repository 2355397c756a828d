import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateVaultKeySpec } from '../crypto/vault.js';

const devKeyFile = (dataDir: string) => join(dataDir, 'dev-encryption-key');

/** The development key generated under `dataDir`, if one was. */
export function readDevEncryptionKey(dataDir: string): string | undefined {
  const file = devKeyFile(dataDir);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/**
 * Without LINKER_ENCRYPTION_KEYS, local runs get a development key generated once and kept under the
 * data dir, so restarts can still decrypt what they stored. Production must set its own keys.
 */
export function devEncryptionKey(dataDir: string, warn: (message: string) => void): string {
  const file = devKeyFile(dataDir);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${generateVaultKeySpec('dev1')}\n`, { mode: 0o600 });
  }
  warn(
    `LINKER_ENCRYPTION_KEYS is not set: using the DEVELOPMENT key in ${file}; anyone with that file can decrypt stored API keys. ` +
      'Set LINKER_ENCRYPTION_KEYS=kid:$(openssl rand -base64 32) in production.',
  );
  return readFileSync(file, 'utf8').trim();
}
