import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { createLinkerClient, LinkerApiError, type BulkChunk } from '../../src/client/index.js';
import { verifyWebhook, WebhookVerificationError, type WebhookEvent } from '../../src/client/webhooks.js';
import { CLIENT_TYPES_PATH, clientTypes } from '../../scripts/generate-client-types.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { PLATFORMS } from '../helpers/test-env.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSC = join(ROOT, 'node_modules/.bin/tsc');

let h: Harness;
let limited: Harness;

beforeAll(async () => {
  [h, limited] = await Promise.all([
    startHarness('client-pkg'),
    startHarness('client-pkg-limited', { workers: false, env: { LINKER_RATE_LIMIT_PER_MINUTE: '2' } }),
  ]);
});
afterAll(async () => Promise.all([h?.close(), limited?.close()]));

const input = (tenantId: string, prefix = 'valid') => ({ tenantId, provider: 'smartrecruiters' as const, credentials: { apiKey: simKey(prefix, tenantId) } });

/**
 * Compiles `source` as a platform's own project would, with the package installed under
 * node_modules. Asynchronously: a blocked event loop would time out the harnesses' Redis sockets.
 */
async function compileSample(source: string): Promise<{ status: number | null; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'linker-sample-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules/account-linker'), 'dir');
    symlinkSync(join(ROOT, 'node_modules/@types'), join(dir, 'node_modules/@types'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sample', type: 'module', private: true }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true, skipLibCheck: true, types: ['node'] }, files: ['sample.ts'] }),
    );
    writeFileSync(join(dir, 'sample.ts'), source);
    try {
      const { stdout, stderr } = await promisify(execFile)(TSC, ['-p', dir], { encoding: 'utf8', timeout: 120_000 });
      return { status: 0, output: `${stdout}${stderr}` };
    } catch (error) {
      const failed = error as { code: number | null; stdout: string; stderr: string };
      return { status: failed.code, output: `${failed.stdout}${failed.stderr}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SAMPLE = `
import { createServer } from 'node:http';
import { createLinkerClient, type ConnectRequest } from 'account-linker/client';
import { verifyWebhook } from 'account-linker/webhooks';

const linker = createLinkerClient({ baseUrl: 'http://127.0.0.1:3000', token: process.env.LINKER_TOKEN ?? '' });
const tenants = [{ tenantId: 't-1', provider: 'smartrecruiters' as const, credentials: { apiKey: 'k'.repeat(32) } }];
for await (const { offset, result } of linker.linkAll(tenants, { batchSize: 500 })) {
  const batch = await linker.getBatch(result.batchId);
  console.log(offset, batch.counts.linked, batch.confirmation.not_required, result.rejected.map((r) => r.error.code));
}
const failed: ConnectRequest[] = [];
for await (const request of linker.paginate('/v1/connect-requests', { status: 'failed', limit: 100 })) failed.push(request);

createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const event = verifyWebhook(process.env.WEBHOOK_SECRET ?? '', req.headers, body);
    switch (event.type) {
      case 'account.linked': console.log(event.data.company.name, event.data.operation); break;
      case 'account.link_failed': console.log(event.data.error.code); break;
      case 'account.invalidated':
      case 'account.unlinked': console.log(event.data.accountId); break;
    }
    res.writeHead(204).end();
  });
});
`;

describe('account-linker/client and account-linker/webhooks as a package', () => {
  it('ship types that match the document the service serves', async () => {
    expect(readFileSync(CLIENT_TYPES_PATH, 'utf8'), 'src/client/openapi.d.ts is stale: run npm run generate:client').toBe(await clientTypes(inject('redisUrl')));
  });

  it('compile a sample integration with tsc --strict, and refuse a wrong one', async () => {
    const good = await compileSample(SAMPLE);
    expect(good.output).toBe('');
    expect(good.status).toBe(0);
    // A misspelt field in a bulk item, a number as an item, and a field a failed event does not have.
    const bad = await compileSample(`
import { createLinkerClient } from 'account-linker/client';
import { verifyWebhook } from 'account-linker/webhooks';
const linker = createLinkerClient({ baseUrl: 'http://x', token: 't' });
await linker.linkBulk([{ tenantid: 'typo', provider: 'smartrecruiters', credentials: { apiKey: 'k' } }, 42]);
const event = verifyWebhook('s', {}, '');
if (event.type === 'account.link_failed') console.log(event.data.company.name);
`);
    expect(bad.status).not.toBe(0);
    expect(bad.output).toMatch(/tenantid/);
    expect(bad.output).toMatch(/'number' is not assignable/);
    expect(bad.output).toMatch(/possibly 'null'/);
  }, 120_000);
});

describe('the client against a running service', () => {
  it('links in chunks under idempotency keys, pages with cursors, and a re-run replays instead of linking twice', async () => {
    const linker = createLinkerClient({ baseUrl: h.url, token: PLATFORMS.acme });
    const items = Array.from({ length: 7 }, (_, i) => input(`client-${i}`));
    const chunks: BulkChunk[] = [];
    for await (const chunk of linker.linkAll(items, { batchSize: 3, idempotencyKeyPrefix: 'client-run-1' })) chunks.push(chunk);
    expect(chunks.map((c) => [c.offset, c.result.accepted.length])).toEqual([[0, 3], [3, 3], [6, 1]]);
    const again: BulkChunk[] = [];
    for await (const chunk of linker.linkAll(items, { batchSize: 3, idempotencyKeyPrefix: 'client-run-1' })) again.push(chunk);
    expect(again.map((c) => c.result)).toEqual(chunks.map((c) => c.result));

    await waitFor(async () => {
      const batches = await Promise.all(chunks.map((c) => linker.getBatch(c.result.batchId)));
      return batches.every((b) => b.completedAt !== null);
    }, { what: 'every batch done' });
    const seen = [];
    for await (const request of linker.paginate('/v1/connect-requests', { limit: 2 })) seen.push(request.tenantId);
    expect(seen.sort()).toEqual(items.map((i) => i.tenantId).sort());

    const missing = await linker.getBatch('bat_00000000000000000000000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(LinkerApiError);
    expect((missing as LinkerApiError).problem.type).toBe('urn:account-linker:problem:not_found');
  });

  it('waits Retry-After on a 429 and gives up after maxAttempts with the problem', async () => {
    const retries: { status?: number; delayMs: number }[] = [];
    const linker = createLinkerClient({ baseUrl: limited.url, token: PLATFORMS.acme, maxAttempts: 3, maxDelayMs: 50, onRetry: (r) => retries.push(r) });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await linker.api.GET('/v1/accounts', {}).then((r) => r.response.status));
    expect(answers.slice(0, 2)).toEqual([200, 200]);
    expect(answers[2]).toBe(429);
    // The third call was told to wait (Retry-After, cut to maxDelayMs) and tried twice more.
    expect(retries.map((r) => [r.status, r.delayMs])).toEqual([[429, 50], [429, 50]]);
    const error = await linker.link(input('limited')).catch((e: unknown) => e);
    expect((error as LinkerApiError).problem.type).toBe('urn:account-linker:problem:rate_limited');
  });

  it('verifyWebhook returns the typed event of a real delivery and refuses a tampered one', async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const linker = createLinkerClient({ baseUrl: h.url, token: PLATFORMS.globex });
      const endpoint = unwrapEndpoint(await linker.api.POST('/v1/webhook-endpoints', { body: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` } }));
      await linker.link(input('hooked'));
      const delivery = await waitFor(async () => received[0], { what: 'a delivery' });
      const event: WebhookEvent = verifyWebhook(endpoint.secret, delivery.headers, delivery.body);
      expect(event.type).toBe('account.linked');
      if (event.type === 'account.linked') expect(event.data.tenantId).toBe('hooked');
      expect(() => verifyWebhook(endpoint.secret, delivery.headers, delivery.body.replace('hooked', 'hacked'))).toThrow(WebhookVerificationError);
      expect(() => verifyWebhook(endpoint.secret, { ...delivery.headers, 'webhook-signature': undefined }, delivery.body)).toThrow(/webhook-signature/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

function unwrapEndpoint<T>(result: { data?: T }): T {
  expect(result.data).toBeDefined();
  return result.data!;
}
