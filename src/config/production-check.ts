import type { Env } from './env.js';
import { parseVaultKeys } from '../crypto/vault.js';
import { readDevEncryptionKey } from '../cli/dev-encryption-key.js';

export interface ProductionCheckOptions {
  /** The process serves the API (Hub links need LINKER_PUBLIC_URL); workers alone do not. */
  api: boolean;
}

/**
 * What stops a NODE_ENV=production start, one line per variable with what to do. Development
 * shortcuts are fine on a laptop and dangerous on a server: the generated encryption key lies
 * in a file beside the data, and without LINKER_PUBLIC_URL Hub links are built from the Host
 * header (plain http behind a TLS proxy).
 */
export function productionProblems(env: Env, { api }: ProductionCheckOptions): string[] {
  const problems: string[] = [];
  if (!env.LINKER_ENCRYPTION_KEYS) {
    problems.push(
      'LINKER_ENCRYPTION_KEYS is not set, so the generated development key would encrypt stored API keys. Set LINKER_ENCRYPTION_KEYS=kid:$(openssl rand -base64 32) and keep it in your secret store.',
    );
  } else {
    const devKey = readDevEncryptionKey(env.LINKER_DATA_DIR);
    const devBytes = devKey ? parseVaultKeys(devKey)[0]?.key : undefined;
    if (devBytes && parseVaultKeys(env.LINKER_ENCRYPTION_KEYS).some((k) => k.key.equals(devBytes))) {
      problems.push(
        `LINKER_ENCRYPTION_KEYS holds the generated development key (${env.LINKER_DATA_DIR}/dev-encryption-key). Put a new key first (kid:$(openssl rand -base64 32)); keep the development one after it only until stored keys are re-encrypted.`,
      );
    }
  }
  if (api && !env.LINKER_PUBLIC_URL) {
    problems.push(
      'LINKER_PUBLIC_URL is not set, so Connect Hub links would be built from the Host header of each call (plain http behind a TLS proxy). Set it to the address users reach the API at, e.g. LINKER_PUBLIC_URL=https://linker.example.com.',
    );
  }
  return problems;
}
