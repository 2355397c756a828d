import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { devEncryptionKey } from '../../src/cli/dev-encryption-key.js';
import { generateVaultKeySpec } from '../../src/crypto/vault.js';
import { loadEnv } from '../../src/config/env.js';
import { productionProblems } from '../../src/config/production-check.js';
import { testEnvVars } from '../helpers/test-env.js';
import { startService } from '../helpers/service-process.js';
import { securityRow } from '../helpers/security-table.js';
import { PLATFORMS } from '../helpers/test-env.js';
import { callApi } from '../helpers/harness.js';

const BIN = fileURLToPath(new URL('../../bin/account-linker.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'linker-prod-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs `account-linker api` expecting it to refuse to start; resolves with its exit code and stderr. */
async function refusedStart(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await promisify(execFile)(process.execPath, [BIN, 'api'], { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 });
  } catch (error) {
    const { code, stderr } = error as { code: number; stderr: string };
    return { code, stderr };
  }
  throw new Error('account-linker api started');
}

describe('NODE_ENV=production refuses development shortcuts at start', () => {
  it('without LINKER_ENCRYPTION_KEYS or LINKER_PUBLIC_URL it exits 2, naming both and what to do', async () => {
    const row = securityRow('secrets', 'NODE_ENV=production start without keys, with the development key, without LINKER_PUBLIC_URL', 'exit 2 before touching Redis, message names the variable and the fix; starts once both are set, Hub links on LINKER_PUBLIC_URL');
    const env = { ...testEnvVars('prod'), NODE_ENV: 'production', LINKER_DATA_DIR: dataDir, LINKER_ENCRYPTION_KEYS: '' };
    const { code, stderr } = await refusedStart(env);
    expect(code).toBe(2);
    expect(stderr).toContain('refusing to start with NODE_ENV=production');
    expect(stderr).toMatch(/LINKER_ENCRYPTION_KEYS is not set.*openssl rand -base64 32/);
    expect(stderr).toMatch(/LINKER_PUBLIC_URL is not set.*LINKER_PUBLIC_URL=https:\/\//);
    row.runs++;

    // The generated development key, copied into LINKER_ENCRYPTION_KEYS, is refused as well.
    const devKey = devEncryptionKey(dataDir, () => {});
    const copied = await refusedStart({ ...env, LINKER_ENCRYPTION_KEYS: `${generateVaultKeySpec('new1')},${devKey.replace(/^dev1:/, 'old1:')}`, LINKER_PUBLIC_URL: 'https://linker.example.com' });
    expect(copied.code).toBe(2);
    expect(copied.stderr).toMatch(/LINKER_ENCRYPTION_KEYS holds the generated development key/);
    expect(copied.stderr).not.toContain('LINKER_PUBLIC_URL');
    row.runs++;

    // With both set it starts, and Hub links use LINKER_PUBLIC_URL rather than the address called.
    const api = await startService('api', { ...env, LINKER_ENCRYPTION_KEYS: generateVaultKeySpec('k1'), LINKER_PUBLIC_URL: 'https://linker.example.com' });
    try {
      const session = await callApi(api.url!, 'POST', '/v1/connect-sessions', { token: PLATFORMS.acme, body: { tenantId: 'prod-hub', provider: 'smartrecruiters' } });
      expect(session.status, session.text).toBe(201);
      expect(session.body.url).toMatch(/^https:\/\/linker\.example\.com\/hub\?session=/);
      row.runs++;
    } finally {
      await api.stop();
    }
  });

  it('a worker-only process needs the keys but not LINKER_PUBLIC_URL', () => {
    const env = loadEnv({ ...testEnvVars('prod-worker'), NODE_ENV: 'production', LINKER_DATA_DIR: dataDir });
    expect(productionProblems(env, { api: false })).toEqual([]);
    expect(productionProblems(env, { api: true })).toEqual([expect.stringMatching(/^LINKER_PUBLIC_URL is not set/)]);
  });
});
