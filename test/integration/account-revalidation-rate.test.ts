import { afterAll, beforeAll, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { newShardedId } from '../../src/domain/ids.js';
import { shardOf, shardOfId } from '../../src/domain/shards.js';
import { credentialAad } from '../../src/crypto/credential-aad.js';
import { key as redisKey } from '../../src/store/keys.js';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';

const ACCOUNTS = 10_000;
const RATE = 500;
const CHUNK = 1000;

let h: Harness;
let workers: RunningWorkers | undefined;

/** Links accounts through the store's own transitions (the path a validate job takes), without calling the provider. */
async function seedActiveAccounts(count: number): Promise<string[]> {
  const accountIds: string[] = [];
  for (let start = 0; start < count; start += CHUNK) {
    const items = Array.from({ length: Math.min(CHUNK, count - start) }, (_, i) => {
      const tenantId = `rate-${start + i}`;
      const apiKey = simKey('valid', tenantId);
      const id = newShardedId('connectRequest', shardOf('acme', tenantId));
      return { id, tenantId, provider: 'smartrecruiters' as const, apiKey, encryptedCredential: h.rt.vault.encrypt(apiKey, credentialAad('acme', 'smartrecruiters', tenantId)), validateJob: id };
    });
    await h.rt.requests.create('acme', items);
    await Promise.all(items.map((item) => h.rt.requests.transition('acme', item.id, { to: 'validating' })));
    const linked = await Promise.all(
      items.map((item) =>
        h.rt.requests.transition('acme', item.id, {
          to: 'linked',
          link: { accountId: newShardedId('account', shardOfId(item.id)), company: { identifier: item.tenantId, name: item.tenantId }, fingerprint: item.apiKey.slice(-4) },
        }),
      ),
    );
    for (const result of linked) if (result.result === 'applied' && result.accountId) accountIds.push(result.accountId);
  }
  return accountIds;
}

beforeAll(async () => {
  h = await startHarness('revalidate-rate', {
    workers: false,
    env: { LINKER_REVALIDATE_RATE: String(RATE), LINKER_REVALIDATE_INTERVAL: '24h', LINKER_LOG_LEVEL: 'warn' },
  });
});
afterAll(async () => {
  await workers?.close();
  await h?.close();
});

it(`re-validates ${ACCOUNTS} active accounts on schedule without the provider ever seeing more than ${RATE} requests in a second`, async () => {
  const accountIds = await seedActiveAccounts(ACCOUNTS);
  expect(accountIds).toHaveLength(ACCOUNTS);
  const seededAt = new Date().toISOString();

  // The scheduler's first run starts as soon as the workers create it.
  workers = startWorkers(h.rt);
  await waitFor(async () => h.sim.stats().byStatus['200'] === ACCOUNTS, { timeoutMs: 55_000, intervalMs: 500, what: `${ACCOUNTS} checks` });

  const stats = h.sim.stats();
  expect(stats.maxTotalPerSecond).toBeGreaterThan(0);
  expect(stats.maxTotalPerSecond).toBeLessThanOrEqual(RATE);
  // Per credential: one check each, never two at once.
  expect(stats.requests).toBe(ACCOUNTS);
  expect(stats.maxConcurrent).toBe(1);

  // The simulator counts a 200 when it answers; the worker records the check a moment later.
  const revalidated = async () => {
    const rows = await Promise.all(accountIds.map((id) => h.rt.redis.hmget(redisKey.account(h.rt.accounts.bases.ofId('acme', id), id), 'status', 'lastValidatedAt')));
    return rows.filter(([status, at]) => status === 'active' && at! > seededAt).length;
  };
  await waitFor(async () => ((await revalidated()) === ACCOUNTS ? true : undefined), { timeoutMs: 10_000, what: `all ${ACCOUNTS} accounts recorded as re-validated` });
});
