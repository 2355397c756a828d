import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { scrape, total } from '../helpers/prometheus.js';
import { startService, type ServiceProcess } from '../helpers/service-process.js';
import { testEnvVars } from '../helpers/test-env.js';

const started: ServiceProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
});

describe('metrics of an API and a worker process', () => {
  it('queue gauges come from the API only, so a sum over every scrape counts each job once; the worker port answers /healthz', async () => {
    const env = testEnvVars('worker-metrics');
    const api = await startService('api', env);
    const worker = await startService('worker', env, { args: ['--metrics-port', '0'] });
    started.push(api, worker);

    const health = await request(`${worker.url}/healthz`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toEqual({ status: 'ok' });
    expect((await request(`${worker.url}/nothing`)).statusCode).toBe(404);

    const [fromApi, fromWorker] = await Promise.all([scrape(api.url!), scrape(worker.url!)]);
    expect([...fromApi.keys()].some((k) => k.startsWith('linker_queue_jobs{queue="validate",state="waiting"}'))).toBe(true);
    expect([...fromWorker.keys()].some((k) => k.startsWith('linker_queue_jobs'))).toBe(false);
    // The worker still exports what only it counts.
    expect([...fromWorker.keys()].some((k) => k.startsWith('linker_process_cpu'))).toBe(true);
    expect(total(fromWorker, 'linker_queue_jobs')).toBe(0);
  });
});
