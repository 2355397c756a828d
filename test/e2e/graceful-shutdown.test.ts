import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { simKey, startSimulator, type Simulator } from '../../src/sim/index.js';
import type { LinkerClient } from '../../src/client/index.js';
import { testClient } from '../helpers/linker-client.js';
import { deleteByPrefix } from '../../src/store/delete-prefix.js';
import { waitFor } from '../helpers/harness.js';
import { testEnvVars } from '../helpers/test-env.js';
import { startService, type ServiceProcess } from '../helpers/service-process.js';

let sim: Simulator;
let env: Record<string, string>;
let api: ServiceProcess;
const started: ServiceProcess[] = [];
let client: LinkerClient;

const worker = async (overrides: Record<string, string> = {}) => {
  const p = await startService('worker', { ...env, ...overrides });
  started.push(p);
  return p;
};

async function linkAndWaitValidating(tenantId: string, apiKey: string): Promise<string> {
  const { id } = await client.link({ tenantId, provider: 'smartrecruiters', credentials: { apiKey } });
  await waitFor(async () => (await client.getConnectRequest(id)).status === 'validating', { what: `${id} validating` });
  return id;
}

beforeAll(async () => {
  sim = await startSimulator({});
  env = testEnvVars('drain', { SMARTRECRUITERS_BASE_URL: sim.url, LINKER_LOCK_DURATION: '2s', LINKER_PROVIDER_TIMEOUT: '10s' });
  api = await startService('api', env);
  started.push(api);
  client = testClient(api.url!);
}, 30_000);

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  const redis = new Redis(inject('redisUrl'));
  if (env) await deleteByPrefix(redis, env.LINKER_REDIS_PREFIX!);
  redis.disconnect();
  await sim?.close();
});

describe('graceful shutdown', () => {
  it('a worker told to stop finishes the validation it is in the middle of, then exits 0', async () => {
    const w = await worker();
    const apiKey = simKey('slow1500', 'drain-finish');
    const id = await linkAndWaitValidating('drain-finish', apiKey);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    // Finished by the stopping worker itself: linked the moment it exited, with one provider call.
    const request = await client.getConnectRequest(id);
    expect(request.status).toBe('linked');
    expect(sim.keyStats(apiKey)?.requests).toBe(1);
  });

  it('the drain is bounded by LINKER_SHUTDOWN_TIMEOUT; the unfinished job goes to another worker', async () => {
    const w = await worker({ LINKER_SHUTDOWN_TIMEOUT: '500ms' });
    const apiKey = simKey('slow4000', 'drain-bounded');
    const id = await linkAndWaitValidating('drain-bounded', apiKey);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    // It cut the slow call instead of waiting the 4 s for it (waiting, it would have linked it).
    expect((await client.getConnectRequest(id)).status).not.toBe('linked');
    expect(w.output.join('\n')).toContain('jobs still running at the shutdown timeout');

    await worker();
    const request = await waitFor(async () => {
      const r = await client.getConnectRequest(id);
      return r.status === 'linked' ? r : undefined;
    }, { timeoutMs: 30_000, what: `${id} linked by the second worker` });
    expect(request.attempts.filter((a) => a.outcome === 'success')).toHaveLength(1);
    expect(request.attempts.at(-1)?.outcome).toBe('success');
  });

  it('an API process told to stop exits 0', async () => {
    expect(await api.stop()).toBe(0);
  });
});
