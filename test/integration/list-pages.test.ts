import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('list-pages');
});
afterAll(async () => h?.close());

/** Every id of a list route, two per page. */
async function pagedIds(path: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; text: string; body: { data: { id: string }[]; nextCursor: string | null } } = await h.api('GET', `${path}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, res.text).toBe(200);
    ids.push(...res.body.data.map((item) => item.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

describe('unfiltered lists read the status indexes as one, newest first', () => {
  it('serves every request and account once, in id order, across statuses and pages', async () => {
    const kinds = ['valid', 'invalid', 'valid', 'forbidden', 'valid', 'slow60000', 'valid'];
    const items = kinds.map((kind, i) => ({ tenantId: `page-${i}`, provider: 'smartrecruiters', credentials: { apiKey: simKey(kind, `page-${i}`) } }));
    const bulk = await h.api('POST', '/v1/connect-requests/bulk', { body: { items } });
    const ids: string[] = bulk.body.accepted.map((a: { id: string }) => a.id);
    // All but the slow one final: the list then spans linked, failed and validating.
    await waitFor(async () => {
      const { counts } = (await h.api('GET', `/v1/batches/${bulk.body.batchId}`)).body;
      return counts.linked === 4 && counts.failed === 2;
    }, { what: 'six requests to finish' });
    expect(await pagedIds('/v1/connect-requests')).toEqual([...ids].sort().reverse());

    const linked = (await h.api('GET', '/v1/connect-requests?status=linked')).body.data.map((r: { accountId: string }) => r.accountId);
    expect((await h.api('DELETE', `/v1/accounts/${linked[0]}`)).status).toBe(200);
    expect(await pagedIds('/v1/accounts')).toEqual([...linked].sort().reverse());
  });
});
