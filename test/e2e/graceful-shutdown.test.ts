import { afterAll, beforeAll, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { spawnService, type ChildService } from '../helpers/child-service.js';

let h: Harness;
const children: ChildService[] = [];

beforeAll(async () => {
  h = await startHarness('graceful', { workers: false });
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.kill('SIGKILL')));
  await h?.close();
});

const start = () => {
  const child = spawnService(['start'], { ...h.envVars, LINKER_PORT: '0', LINKER_CONCURRENCY: '5', LINKER_SHUTDOWN_TIMEOUT: '10s' });
  children.push(child);
  return child;
};

it('SIGTERM lets in-flight validations finish, and a restart completes the rest', async () => {
  const items = Array.from({ length: 20 }, (_, i) => ({ tenantId: `t-${i}`, provider: 'smartrecruiters', credentials: { apiKey: simKey('slow1500', `graceful-${i}`) } }));
  const { batchId } = (await h.api('POST', '/v1/connect-requests/bulk', { body: { items } })).body;

  const service = start();
  await service.waitForOutput(/workers started/);
  const inFlight = await waitFor(async () => {
    const b = (await h.api('GET', `/v1/batches/${batchId}`)).body;
    return b.counts.validating > 0 ? b.counts.validating : undefined;
  }, { what: 'validations in flight' });
  expect(inFlight).toBeGreaterThan(0);

  service.process.kill('SIGTERM');
  expect(await service.exited).toBe(0);
  const afterStop = (await h.api('GET', `/v1/batches/${batchId}`)).body;
  // Nothing was cut off mid-validation: every job either finished or was never started.
  expect(afterStop.counts.validating).toBe(0);
  expect(afterStop.counts.retrying).toBe(0);
  expect(afterStop.counts.linked).toBeGreaterThanOrEqual(inFlight);

  start();
  const done = await waitFor(async () => {
    const b = (await h.api('GET', `/v1/batches/${batchId}`)).body;
    return b.completedAt ? b : undefined;
  }, { timeoutMs: 40_000, what: 'the rest to finish after the restart' });
  expect(done.counts.linked).toBe(20);
});
