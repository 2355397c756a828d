import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { simKey } from '../../src/sim/index.js';
import { createRedis } from '../../src/store/redis-client.js';
import { WebhookEndpointStore } from '../../src/store/webhook-endpoint-store.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';

// Endpoints are cached per process on the hot path of every link; these check that a platform's
// endpoint changes still take effect for the very next link, and in other processes soon after.
let h: Harness;
let receiver: Server;
let receiverUrl: string;
const received: { headers: Record<string, string>; body: string }[] = [];

beforeAll(async () => {
  h = await startHarness('endpoint-changes');
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await h?.close();
  await new Promise((r) => receiver?.close(r));
});

let tenant = 0;
async function linkAndSettle(): Promise<{ id: string; confirmation: string }> {
  const tenantId = `t-${++tenant}`;
  const res = await h.api('POST', '/v1/connect-requests', { body: { tenantId, provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', `ec-${tenant}`) } } });
  expect(res.status, res.text).toBe(202);
  return waitFor(
    async () => {
      const r = (await h.api('GET', `/v1/connect-requests/${res.body.id}`)).body;
      return r.confirmation !== 'pending' ? r : undefined;
    },
    { what: `confirmation of ${tenantId}` },
  );
}

const receivedFor = (id: string) => received.find((m) => JSON.parse(m.body).data.connectRequestId === id);

describe('webhook endpoint changes on the link path', () => {
  let endpointId: string;
  let firstSecret: string;

  it('an endpoint created after links without one receives the very next result', async () => {
    expect((await linkAndSettle()).confirmation).toBe('not_required');
    const created = await h.api('POST', '/v1/webhook-endpoints', { body: { url: receiverUrl } });
    expect(created.status, created.text).toBe(201);
    endpointId = created.body.id;
    firstSecret = created.body.secret;

    const request = await linkAndSettle();
    expect(request.confirmation).toBe('confirmed');
    const message = receivedFor(request.id)!;
    expect(() => new Webhook(firstSecret).verify(message.body, message.headers)).not.toThrow();
  });

  it('a rotated secret signs the very next delivery, alongside the old one', async () => {
    const rotated = await h.api('POST', `/v1/webhook-endpoints/${endpointId}/rotate-secret`);
    expect(rotated.status, rotated.text).toBe(200);
    const request = await linkAndSettle();
    const message = receivedFor(request.id)!;
    expect(() => new Webhook(rotated.body.secret).verify(message.body, message.headers)).not.toThrow();
    expect(() => new Webhook(firstSecret).verify(message.body, message.headers)).not.toThrow();
  });

  it('another process sees a deleted endpoint once its cache is due; this one at once', async () => {
    const otherRedis = createRedis(h.rt.env.REDIS_URL);
    const other = new WebhookEndpointStore(otherRedis, h.rt.env.LINKER_REDIS_PREFIX, h.rt.vault, { cacheTtlMs: 200 });
    try {
      expect((await other.subscribers('acme', 'account.linked')).map((e) => e.id)).toEqual([endpointId]);
      expect((await h.api('DELETE', `/v1/webhook-endpoints/${endpointId}`)).status).toBe(204);

      expect((await linkAndSettle()).confirmation).toBe('not_required');
      await waitFor(async () => (await other.subscribers('acme', 'account.linked')).length === 0, { timeoutMs: 5000, what: 'the other process to drop the endpoint' });
    } finally {
      await otherRedis.quit();
    }
  });
});
