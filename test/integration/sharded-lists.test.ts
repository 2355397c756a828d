import { afterAll, beforeAll, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { DATA_SHARDS, shardOfId } from '../../src/domain/shards.js';
import { startHarness, waitFor, type ApiResponse, type Harness } from '../helpers/harness.js';

/**
 * One platform's requests spread over every data shard; lists merge the shards newest first with
 * an exact cursor, and a batch's counters (one hash per shard) add up.
 */
let h: Harness;
const TENANTS = 120;

beforeAll(async () => {
  h = await startHarness('sharded-lists', { workers: false });
});
afterAll(async () => h?.close());

async function pageThrough(path: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: ApiResponse = await h.api('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.length).toBeLessThanOrEqual(limit);
    ids.push(...res.body.data.map((r: { id: string }) => r.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

it('lists, pages and counts one platform\'s requests across every shard exactly', async () => {
  const items = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ tenantId: `sl-${from + i}`, provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', `sl-${from + i}`) } }));
  const first = await h.api('POST', '/v1/connect-requests/bulk', { body: { items: items(0, TENANTS / 2) } });
  const second = await h.api('POST', '/v1/connect-requests/bulk', { body: { items: items(TENANTS / 2, TENANTS / 2) } });
  expect([first.status, second.status]).toEqual([202, 202]);
  const accepted = [...first.body.accepted, ...second.body.accepted].map((a: { id: string }) => a.id);
  expect(accepted).toHaveLength(TENANTS);
  expect(new Set(accepted.map(shardOfId)).size).toBe(DATA_SHARDS);

  const newestFirst = [...accepted].sort().reverse();
  // Page sizes that do and do not divide the total, so a page ends inside and at the edge of a shard's run.
  for (const limit of [7, 60, 200]) expect(await pageThrough('/v1/connect-requests', limit)).toEqual(newestFirst);
  expect(await pageThrough('/v1/connect-requests?status=queued', 9)).toEqual(newestFirst);
  const firstBatch = first.body.accepted.map((a: { id: string }) => a.id).sort().reverse();
  expect(await pageThrough(`/v1/connect-requests?batchId=${first.body.batchId}`, 11)).toEqual(firstBatch);
  expect(await pageThrough(`/v1/connect-requests?batchId=${first.body.batchId}&status=queued`, 13)).toEqual(firstBatch);
  expect(await pageThrough('/v1/connect-requests?tenantId=sl-3', 5)).toEqual([accepted[3]]);

  const batch = (await h.api('GET', `/v1/batches/${first.body.batchId}`)).body;
  expect(batch).toMatchObject({ total: TENANTS / 2, counts: { queued: TENANTS / 2 }, confirmation: { pending: TENANTS / 2 }, completedAt: null });
  expect(await h.rt.requests.pendingCount('acme')).toBe(TENANTS);
  expect(await h.rt.requests.pendingCount('globex')).toBe(0);
});

it('a batch with nothing accepted exists, complete, in its home shard', async () => {
  const res = await h.api('POST', '/v1/connect-requests/bulk', { body: { items: [{ tenantId: 'x', provider: 'smartrecruiters', credentials: { apiKey: 'short' } }] } });
  expect(res.status).toBe(202);
  const batch = await waitFor(async () => (await h.api('GET', `/v1/batches/${res.body.batchId}`)).body);
  expect(batch).toMatchObject({ total: 0, counts: { queued: 0 } });
  expect(batch.completedAt).not.toBeNull();
});
