import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { simKey } from '../../src/sim/index.js';
import { key as redisKey } from '../../src/store/keys.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { linkTenant, subscribe } from '../helpers/link.js';
import { PLATFORMS } from '../helpers/test-env.js';

const usedKeys: string[] = [];
function apiKey(prefix: string, seed: string): string {
  const k = simKey(prefix, seed);
  usedKeys.push(k);
  return k;
}

const getAccount = async (h: Harness, id: string) => (await h.api('GET', `/v1/accounts/${id}`)).body;

function eventsFor(receiver: WebhookReceiver, type: string, accountId: string): ReceivedWebhook[] {
  return receiver.received.filter((w) => w.event?.type === type && w.event.data.accountId === accountId);
}

/** Messages recorded for an event type and account, delivered or not. */
async function recordedMessages(h: Harness, type: string, accountId: string): Promise<number> {
  const page = await h.rt.messages.list('acme', { limit: 500 });
  return page.data.filter((m) => m.eventType === type && (m.payload as { data: { accountId: string } }).data.accountId === accountId).length;
}

async function expectNoSecrets(h: Harness) {
  const dump = await h.dumpRedis();
  const logs = h.logs.join('\n');
  for (const k of usedKeys) {
    expect(dump).not.toContain(k);
    expect(logs).not.toContain(k);
  }
}

describe('scheduled re-validation (LINKER_REVALIDATE_INTERVAL=1s)', () => {
  let h: Harness;
  let receiver: WebhookReceiver;
  let secret: string;

  beforeAll(async () => {
    h = await startHarness('lifecycle-sched', {
      env: { LINKER_REVALIDATE_INTERVAL: '1s', LINKER_REVALIDATE_RATE: '50', LINKER_VALIDATION_ATTEMPTS: '3' },
    });
    receiver = await startWebhookReceiver();
    secret = await subscribe(h, receiver.url);
  });
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
  });

  it('a key switched to 401 after linking: the next run marks the account invalid and a signed account.invalidated arrives', async () => {
    const k = apiKey('valid', 'sched-401');
    const { accountId } = await linkTenant(h, 'tenant-401', k);
    const linked = await getAccount(h, accountId);
    h.sim.setKey(k, { kind: 'invalid' });

    const invalid = await waitFor(async () => {
      const account = await getAccount(h, accountId);
      return account.status === 'invalid' ? account : undefined;
    }, { what: 'the account to be invalidated' });
    expect(invalid.error).toEqual({ code: 'invalid_credentials', message: expect.stringContaining('401') });
    expect(invalid.lastReason).toBe(invalid.error.message);
    expect(invalid.lastValidatedAt > linked.lastValidatedAt).toBe(true);
    expect(invalid.history.map((e: { status: string }) => e.status)).toEqual(['active', 'invalid']);
    expect((await h.api('GET', '/v1/accounts?status=invalid')).body.data.map((a: { id: string }) => a.id)).toContain(accountId);
    expect((await h.api('GET', '/v1/accounts?status=active')).body.data.map((a: { id: string }) => a.id)).not.toContain(accountId);

    const [hook] = await waitFor(async () => {
      const hooks = eventsFor(receiver, 'account.invalidated', accountId);
      return hooks.length ? hooks : undefined;
    }, { what: 'account.invalidated webhook' });
    const verified = new Webhook(secret).verify(hook!.body, hook!.headers as Record<string, string>);
    expect(verified).toMatchObject({
      type: 'account.invalidated',
      data: { accountId, tenantId: 'tenant-401', status: 'invalid', error: { code: 'invalid_credentials' } },
    });
  });

  it('a check queued before the invalidation re-runs without sending a second account.invalidated', async () => {
    const k = apiKey('valid', 'sched-rerun');
    const { accountId } = await linkTenant(h, 'tenant-rerun', k);
    h.sim.setKey(k, { kind: 'forbidden' });
    await waitFor(async () => (await recordedMessages(h, 'account.invalidated', accountId)) === 1, { what: 'the invalidation event' });
    expect((await getAccount(h, accountId)).error.code).toBe('insufficient_permissions');

    const jobId = await h.rt.producers.enqueueRevalidation({ platformId: 'acme', accountId, reason: 'scheduled' });
    await waitFor(async () => (await h.rt.producers.revalidate.getJobState(jobId!)) === 'completed', { what: 'the re-run' });
    expect(await recordedMessages(h, 'account.invalidated', accountId)).toBe(1);
  });

  it('a key that answers 503 through whole runs stays active and keeps its state', async () => {
    const k = apiKey('valid', 'sched-503');
    const { accountId } = await linkTenant(h, 'tenant-503', k);
    const before = await getAccount(h, accountId);
    h.sim.setKey(k, { kind: 'error', status: 503 });
    // Two runs of 3 attempts each: retried, given up on, and tried again on the next run.
    await waitFor(async () => (h.sim.keyStats(k)?.byStatus['503'] ?? 0) >= 6, { what: 'two runs of 503s' });

    const after = await getAccount(h, accountId);
    expect(after).toMatchObject({ status: 'active', lastReason: before.lastReason, lastValidatedAt: before.lastValidatedAt, error: null });
    expect(after.history).toHaveLength(1);
    expect(await recordedMessages(h, 'account.invalidated', accountId)).toBe(0);
    expect(h.logs.join('\n')).toContain('provider unavailable through every attempt; the account stays active');

    h.sim.setKey(k, { kind: 'valid' });
    await waitFor(async () => (await getAccount(h, accountId)).lastValidatedAt > before.lastValidatedAt, { what: 'a later successful run' });
  });

  it('an invalid account linked again with a working key is active again ("updated")', async () => {
    const k = apiKey('valid', 'sched-relink-old');
    const { accountId } = await linkTenant(h, 'tenant-relink-invalid', k);
    h.sim.setKey(k, { kind: 'invalid' });
    await waitFor(async () => (await getAccount(h, accountId)).status === 'invalid', { what: 'invalidation' });

    const fresh = apiKey('valid', 'sched-relink-new');
    const relinked = await linkTenant(h, 'tenant-relink-invalid', fresh);
    expect(relinked).toMatchObject({ accountId, operation: 'updated' });
    const account = await getAccount(h, accountId);
    expect(account).toMatchObject({ status: 'active', error: null, credential: { fingerprint: fresh.slice(-4) } });
    expect(account.history.map((e: { status: string }) => e.status)).toEqual(['active', 'invalid', 'active']);
  });

  it('no API key in Redis (job data included) or logs', async () => expectNoSecrets(h));
});

describe('revalidate and unlink routes (no sweep during the tests)', () => {
  let h: Harness;
  let receiver: WebhookReceiver;
  let secret: string;

  beforeAll(async () => {
    h = await startHarness('lifecycle-api', { env: { LINKER_REVALIDATE_INTERVAL: '24h' } });
    receiver = await startWebhookReceiver();
    secret = await subscribe(h, receiver.url);
  });
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
  });

  it('POST /v1/accounts/:id/revalidate answers 202 and checks the stored key', async () => {
    const k = apiKey('valid', 'api-revalidate');
    const { accountId } = await linkTenant(h, 'tenant-revalidate', k);
    const before = await getAccount(h, accountId);

    const res = await h.api('POST', `/v1/accounts/${accountId}/revalidate`);
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({ id: accountId, status: 'active' });
    await waitFor(async () => (await getAccount(h, accountId)).lastValidatedAt > before.lastValidatedAt, { what: 'the manual check' });
    expect(h.sim.keyStats(k)?.requests).toBe(2);

    h.sim.setKey(k, { kind: 'no_api_feature' });
    expect((await h.api('POST', `/v1/accounts/${accountId}/revalidate`)).status).toBe(202);
    const invalid = await waitFor(async () => {
      const account = await getAccount(h, accountId);
      return account.status === 'invalid' ? account : undefined;
    }, { what: 'invalidation' });
    expect(invalid.error.message).toContain('No access to feature');
  });

  it('revalidate refuses what it cannot check, and changes nothing', async () => {
    const { accountId } = await linkTenant(h, 'tenant-refuse', apiKey('valid', 'api-refuse'));
    expect((await h.api('POST', '/v1/accounts/acc_nope/revalidate')).status).toBe(404);
    const other = await h.api('POST', `/v1/accounts/${accountId}/revalidate`, { token: PLATFORMS.globex });
    expect(other.status).toBe(404);
    expect(other.headers['content-type']).toContain('application/problem+json');

    expect((await h.api('DELETE', `/v1/accounts/${accountId}`)).status).toBe(200);
    const revoked = await getAccount(h, accountId);
    const requestsBefore = h.sim.stats().requests;
    const conflict = await h.api('POST', `/v1/accounts/${accountId}/revalidate`);
    expect(conflict.status).toBe(409);
    expect(conflict.body.detail).toContain('new connect request');
    expect(await getAccount(h, accountId)).toEqual(revoked);
    const queued = await h.rt.producers.revalidate.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(queued.filter((job) => (job.data as { accountId?: string }).accountId === accountId)).toEqual([]);
    expect(h.sim.stats().requests).toBe(requestsBefore);
  });

  it('DELETE removes every trace of the credential, keeps the history, emits a signed account.unlinked once', async () => {
    const k = apiKey('valid', 'api-unlink');
    const { id: requestId, accountId } = await linkTenant(h, 'tenant-unlink', k);
    const base = h.rt.accounts.bases.ofId('acme', accountId);
    const blob = await h.rt.redis.get(redisKey.accountCredential(base, accountId));
    expect(blob).toBeTruthy();
    expect(await h.dumpRedis()).toContain(blob!);

    const res = await h.api('DELETE', `/v1/accounts/${accountId}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: accountId, status: 'revoked', credential: null, connectRequestId: requestId });

    const dump = await h.dumpRedis();
    expect(dump).not.toContain(blob!);
    expect(dump).not.toContain(`:acc:${accountId}:cred`);
    expect(dump).not.toContain(k);
    expect(await h.rt.redis.hexists(redisKey.account(base, accountId), 'fingerprint')).toBe(0);

    const account = await getAccount(h, accountId);
    expect(account.history).toEqual([
      expect.objectContaining({ status: 'active', connectRequestId: requestId, operation: 'created' }),
      expect.objectContaining({ status: 'revoked', reason: expect.stringContaining('unlinked') }),
    ]);
    expect(account.lastReason).toContain('unlinked');

    const [hook] = await waitFor(async () => {
      const hooks = eventsFor(receiver, 'account.unlinked', accountId);
      return hooks.length ? hooks : undefined;
    }, { what: 'account.unlinked webhook' });
    expect(new Webhook(secret).verify(hook!.body, hook!.headers as Record<string, string>)).toMatchObject({
      type: 'account.unlinked',
      data: { accountId, tenantId: 'tenant-unlink', status: 'revoked' },
    });

    const again = await h.api('DELETE', `/v1/accounts/${accountId}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(account);
    expect(await recordedMessages(h, 'account.unlinked', accountId)).toBe(1);
  });

  it('DELETE of an unknown or foreign account is a 404 and leaves it alone', async () => {
    const { accountId } = await linkTenant(h, 'tenant-foreign', apiKey('valid', 'api-foreign'));
    const before = await getAccount(h, accountId);
    expect((await h.api('DELETE', '/v1/accounts/acc_nope')).status).toBe(404);
    const foreign = await h.api('DELETE', `/v1/accounts/${accountId}`, { token: PLATFORMS.globex });
    expect(foreign.status).toBe(404);
    expect(await getAccount(h, accountId)).toEqual(before);
  });

  it('a revoked account can be linked again through a new request', async () => {
    const { accountId } = await linkTenant(h, 'tenant-comeback', apiKey('valid', 'api-comeback-1'));
    expect((await h.api('DELETE', `/v1/accounts/${accountId}`)).status).toBe(200);
    const fresh = apiKey('valid', 'api-comeback-2');
    const relinked = await linkTenant(h, 'tenant-comeback', fresh);
    expect(relinked).toMatchObject({ accountId, operation: 'updated' });
    const account = await getAccount(h, accountId);
    expect(account).toMatchObject({ status: 'active', credential: { fingerprint: fresh.slice(-4) } });
    expect(account.history.map((e: { status: string }) => e.status)).toEqual(['active', 'revoked', 'active']);
    expect((await h.api('POST', `/v1/accounts/${accountId}/revalidate`)).status).toBe(202);
  });

  it('a stored credential that no longer decrypts is logged clearly and the account is left as it is', async () => {
    const k = apiKey('valid', 'api-undecryptable');
    const { accountId } = await linkTenant(h, 'tenant-undecryptable', k);
    const before = await getAccount(h, accountId);
    await h.rt.redis.set(redisKey.accountCredential(h.rt.accounts.bases.ofId('acme', accountId), accountId), 'v1.retired.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA==.AAAA');

    expect((await h.api('POST', `/v1/accounts/${accountId}/revalidate`)).status).toBe(202);
    const line = await waitFor(async () => h.logs.find((l) => l.includes(accountId) && l.includes('does not decrypt')), { what: 'the log line' });
    expect(line).toContain('LINKER_ENCRYPTION_KEYS');
    expect(line).toContain('key id \\"retired\\"');
    expect(await getAccount(h, accountId)).toEqual(before);
    expect(h.sim.keyStats(k)?.requests).toBe(1);
  });

  it('no API key in Redis (job data included) or logs', async () => expectNoSecrets(h));
});
