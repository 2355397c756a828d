import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { pino } from 'pino';
import { ensureRedis } from '../../src/cli/local-redis.js';
import { devEncryptionKey } from '../../src/cli/dev-encryption-key.js';
import { CredentialVault, parseVaultKeys } from '../../src/crypto/vault.js';
import { freePort } from '../helpers/free-port.js';

const dir = mkdtempSync(join(tmpdir(), 'linker-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('starts redis-server with AOF under the data dir when nothing answers, and a restart keeps the data', async () => {
  const port = await freePort();
  const logger = pino({ level: 'silent' });
  const first = await ensureRedis(undefined, dir, logger, port);
  expect(first.child).toBeDefined();
  const client = new Redis(first.url);
  await client.set('survives', 'restart');
  await new Promise((r) => setTimeout(r, 1200)); // appendfsync everysec
  client.disconnect();
  await first.stop();
  expect(existsSync(join(dir, 'redis'))).toBe(true);

  const second = await ensureRedis(undefined, dir, logger, port);
  const again = new Redis(second.url);
  expect(await again.get('survives')).toBe('restart');
  expect(await again.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
  again.disconnect();
  await second.stop();
});

it('uses whatever already answers instead of starting another', async () => {
  const redis = await ensureRedis(undefined, dir, pino({ level: 'silent' }));
  expect(redis.child).toBeUndefined();
});

it('without LINKER_ENCRYPTION_KEYS a development key is generated once, kept, and announced loudly', () => {
  const warnings: string[] = [];
  const a = devEncryptionKey(dir, (m) => warnings.push(m));
  const b = devEncryptionKey(dir, (m) => warnings.push(m));
  expect(a).toBe(b);
  expect(() => new CredentialVault(parseVaultKeys(a))).not.toThrow();
  expect(warnings[0]).toMatch(/DEVELOPMENT key/);
  expect(warnings[0]).toMatch(/LINKER_ENCRYPTION_KEYS/);
  // One line: a JSON log would show line breaks as \n escapes.
  expect(warnings[0]).not.toContain('\n');
});
