import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHarness, type Harness } from '../helpers/harness.js';
import { delta, scrape } from '../helpers/prometheus.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('http-metrics', { workers: false });
});
afterAll(async () => h?.close());

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;

describe('HTTP metrics', () => {
  it('count each answer by route template, method and status, and time it', async () => {
    const before = await scrape(h.url);
    expect((await h.api('GET', '/v1/batches/bat_00000000000000000000000000')).status).toBe(404);
    expect((await h.api('GET', '/v1/batches/bat_11111111111111111111111111')).status).toBe(404);
    expect((await h.api('GET', '/v1/accounts')).status).toBe(200);
    expect((await h.api('GET', '/v1/accounts', { token: null })).status).toBe(401);
    expect((await h.api('GET', '/no/such/route/abc')).status).toBe(404);
    const after = await scrape(h.url);

    const requests = (labels: Record<string, string>) => delta(before, after, 'linker_http_requests_total', labels);
    // Two ids, one series: the label is the template.
    expect(requests({ route: '/v1/batches/:id', method: 'GET', status: '404' })).toBe(2);
    expect(requests({ route: '/v1/accounts', method: 'GET', status: '200' })).toBe(1);
    expect(requests({ route: '/v1/accounts', method: 'GET', status: '401' })).toBe(1);
    expect(requests({ route: 'unmatched', method: 'GET', status: '404' })).toBe(1);
    expect(delta(before, after, 'linker_http_request_duration_seconds_count', { route: '/v1/batches/:id', status: '404' })).toBe(2);
    expect(delta(before, after, 'linker_http_request_duration_seconds_sum', { route: '/v1/accounts', status: '200' })).toBeGreaterThan(0);
  });

  it('has no gauge named like a counter', async () => {
    const text = await (await request(`${h.url}/metrics`)).body.text();
    const gauges = [...text.matchAll(/^# TYPE (\S+) gauge$/gm)].map((m) => m[1]!);
    expect(gauges.filter((name) => name.endsWith('_total'))).toEqual([]);
  });

  // Debian's `prometheus` package brings promtool; .ci/run installs it.
  it.skipIf(!promtool)('passes promtool check metrics', async () => {
    const text = await (await request(`${h.url}/metrics`)).body.text();
    const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`.trim()).toBe('');
    expect(run.status).toBe(0);
  });
});
