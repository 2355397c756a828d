import { afterAll, beforeAll, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { startService, type ServiceProcess } from '../helpers/service-process.js';

let h: Harness;
const children: ServiceProcess[] = [];

const KINDS = ['slow150', 'invalid', 'forbidden'] as const;
const expected = { slow150: 'linked', invalid: 'failed', forbidden: 'failed' } as const;

async function startWorker(): Promise<ServiceProcess> {
  const child = await startService('worker', { ...h.envVars, LINKER_LOCK_DURATION: '2s' }, { args: ['--concurrency', '20'] });
  children.push(child);
  return child;
}

beforeAll(async () => {
  h = await startHarness('worker-kill', { workers: false });
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.kill()));
  await h?.close();
});

it('a worker SIGKILLed in the middle of 200 validations loses nothing and doubles nothing', async () => {
  const items = Array.from({ length: 200 }, (_, i) => {
    const kind = KINDS[i % KINDS.length]!;
    return { tenantId: `tenant-${i}`, provider: 'smartrecruiters', credentials: { apiKey: simKey(kind, `kill-${i}`) }, metadata: { kind } };
  });
  const res = await h.api('POST', '/v1/connect-requests/bulk', { body: { items } });
  expect(res.status).toBe(202);
  expect(res.body.accepted).toHaveLength(200);
  const batchId = res.body.batchId as string;

  const first = await startWorker();
  await waitFor(async () => {
    const batch = (await h.api('GET', `/v1/batches/${batchId}`)).body;
    return batch.counts.linked + batch.counts.failed >= 40 ? batch : undefined;
  }, { what: '40 requests to finish before the kill' });
  await first.kill();
  const afterKill = (await h.api('GET', `/v1/batches/${batchId}`)).body;
  expect(afterKill.counts.linked + afterKill.counts.failed).toBeLessThan(200);

  await startWorker();
  const batch = await waitFor(async () => {
    const b = (await h.api('GET', `/v1/batches/${batchId}`)).body;
    return b.completedAt ? b : undefined;
  }, { timeoutMs: 45_000, what: 'the batch to complete after the restart' });

  const linkedWanted = items.filter((i) => i.metadata.kind === 'slow150').length;
  expect(batch.total).toBe(200);
  expect(batch.counts).toEqual({ queued: 0, validating: 0, retrying: 0, linked: linkedWanted, failed: 200 - linkedWanted });

  const all: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = (await h.api('GET', `/v1/connect-requests?batchId=${batchId}&limit=100${cursor ? `&cursor=${cursor}` : ''}`)).body;
    all.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  expect(all).toHaveLength(200);
  for (const request of all) {
    expect(request.status).toBe(expected[request.metadata.kind as keyof typeof expected]);
    // One decisive answer per request: a re-run after the kill never records a second result.
    const decisive = request.attempts.filter((a: { outcome: string }) => a.outcome !== 'retryable' && a.outcome !== 'rate_limited');
    expect(decisive).toHaveLength(1);
  }
  const accounts = (await h.api('GET', '/v1/accounts?limit=500')).body.data;
  expect(accounts).toHaveLength(linkedWanted);

  // The workers' own log output and every Redis value hold no key in clear text.
  const workerLogs = children.flatMap((c) => c.output).join('\n');
  expect(workerLogs).toContain('connect request finished');
  const dump = await h.dumpRedis();
  for (const item of items) {
    expect(workerLogs).not.toContain(item.credentials.apiKey);
    expect(dump).not.toContain(item.credentials.apiKey);
  }
});
