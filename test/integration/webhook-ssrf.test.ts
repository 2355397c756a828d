import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { systemLookup, type LookupAll } from '../../src/webhooks/url-check.js';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { uniquePrefix } from '../helpers/test-env.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { deleteAllEndpoints, messagesOf, registerEndpoint, submitLink, waitForConfirmation } from '../helpers/webhook-api.js';

/**
 * Two services on one Redis prefix: `lenient` allows the private nets (so it registers URLs a
 * strict service would refuse), `strict` allows none and runs the only workers, so every delivery
 * below is checked again at connect time, against the address actually dialled.
 */
let lenient: Harness;
let strict: Harness;
let strictWorkers: RunningWorkers | undefined;
let receiver: WebhookReceiver;

// Names this test's resolver answers itself; everything else goes to the system resolver
// (so http://localhost is resolved for real, through /etc/hosts).
const dnsTable = new Map<string, string>();
const testDns: LookupAll = async (hostname) => {
  const address = dnsTable.get(hostname);
  return address ? [{ address, family: isIP(address) }] : systemLookup(hostname);
};

beforeAll(async () => {
  const shared = {
    LINKER_REDIS_PREFIX: uniquePrefix('webhook-ssrf'),
    LINKER_ENCRYPTION_KEYS: `ssrf:${randomBytes(32).toString('base64')}`,
  };
  lenient = await startHarness('webhook-ssrf', {
    workers: false,
    env: { ...shared, LINKER_WEBHOOK_ALLOWED_NETS: '127.0.0.0/8,::1/128,10.0.0.0/8,169.254.0.0/16' },
  });
  strict = await startHarness('webhook-ssrf', { workers: false, env: { ...shared, LINKER_WEBHOOK_ALLOWED_NETS: '' } });
  lenient.rt.webhookLookup = testDns;
  strict.rt.webhookLookup = testDns;
  strictWorkers = startWorkers(strict.rt);
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await deleteAllEndpoints(strict);
  dnsTable.clear();
});
afterAll(async () => {
  await receiver?.close();
  await strictWorkers?.close();
  await strict?.close();
  await lenient?.close();
});

const refusedUrls = (port: number) => [
  { url: `http://127.0.0.1:${port}/hook`, address: '127.0.0.1' },
  { url: `http://[::ffff:127.0.0.1]:${port}/hook`, address: '::ffff:7f00:1' },
  { url: 'http://169.254.169.254/latest/meta-data/', address: '169.254.169.254' },
  { url: 'http://10.0.0.1/hook', address: '10.0.0.1' },
  { url: `http://localhost:${port}/hook`, address: '127.0.0.1' },
  { url: `http://loopback.example.test:${port}/hook`, address: '127.0.0.1' },
];

describe('with no LINKER_WEBHOOK_ALLOWED_NETS', () => {
  it('registration refuses loopback, mapped IPv6, metadata, private, localhost and a name resolving to loopback with a clear 400', async () => {
    dnsTable.set('loopback.example.test', '127.0.0.1');
    for (const { url, address } of refusedUrls(receiver.port)) {
      const res = await strict.api('POST', '/v1/webhook-endpoints', { body: { url } });
      expect(res.status, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.type).toBe('urn:account-linker:problem:unsafe_webhook_url');
      // The platform learns only that the address is not public; what it resolved to and how to allow it are the operator's.
      expect(res.body.detail).toContain('non-public address');
      if (isIP(new URL(url).hostname.replace(/^\[|\]$/g, '')) === 0) expect(res.body.detail, url).not.toContain(address);
      expect(res.body.detail).not.toContain('LINKER_WEBHOOK_ALLOWED_NETS');
      expect(strict.logs.some((line) => line.includes(address) && line.includes('LINKER_WEBHOOK_ALLOWED_NETS')), url).toBe(true);
    }
    expect((await strict.api('GET', '/v1/webhook-endpoints')).body.data).toEqual([]);
  });

  it('delivery refuses the same URLs at connect time even when they were registered, and the receiver never hears of it', async () => {
    dnsTable.set('loopback.example.test', '127.0.0.1');
    const urls = refusedUrls(receiver.port);
    for (const { url } of urls) await registerEndpoint(lenient, url);

    const id = await submitLink(strict, 'tenant-ssrf', simKey('valid', 'webhook-ssrf'));
    await waitForConfirmation(strict, id, 'unconfirmed');
    const endpoints = (await strict.api('GET', '/v1/webhook-endpoints')).body.data as { id: string; url: string }[];
    const messages = await messagesOf(strict, id);
    expect(messages).toHaveLength(urls.length);
    for (const { url, address } of urls) {
      const endpoint = endpoints.find((e) => e.url === url)!;
      const message = messages.find((m) => m.endpointId === endpoint.id)!;
      expect(message.status, url).toBe('failed');
      expect(message.attempts).toHaveLength(3);
      for (const attempt of message.attempts) {
        expect(attempt.httpStatus).toBeNull();
        expect(attempt.error, url).toContain(address);
        expect(attempt.error).toMatch(/LINKER_WEBHOOK_ALLOWED_NETS/);
      }
    }
    expect(receiver.received).toEqual([]);
  });

  it('a name that resolved to a public address at registration and to loopback at delivery is refused (DNS may change)', async () => {
    dnsTable.set('rebind.example.test', '93.184.215.14');
    const endpoint = await registerEndpoint(strict, `http://rebind.example.test:${receiver.port}/hook`);
    dnsTable.set('rebind.example.test', '127.0.0.1');

    const id = await submitLink(strict, 'tenant-rebind', simKey('invalid', 'webhook-rebind'));
    await waitForConfirmation(strict, id, 'unconfirmed');
    const [message] = await messagesOf(strict, id);
    expect(message!.endpointId).toBe(endpoint.id);
    expect(message!.attempts[0]!.error).toContain('"rebind.example.test" resolves to 127.0.0.1');
    expect(receiver.received).toEqual([]);
  });
});

describe('once the operator allows the net', () => {
  it('a refused message is delivered by redelivery through a worker with LINKER_WEBHOOK_ALLOWED_NETS=127.0.0.0/8', async () => {
    await registerEndpoint(lenient, `${receiver.url}/hook`);
    const id = await submitLink(strict, 'tenant-allowed-later', simKey('valid', 'webhook-allowed-later'));
    await waitForConfirmation(strict, id, 'unconfirmed');
    const [message] = await messagesOf(strict, id);
    expect(receiver.received).toEqual([]);

    await strictWorkers!.close();
    strictWorkers = undefined;
    const lenientWorkers = startWorkers(lenient.rt);
    try {
      expect((await lenient.api('POST', `/v1/webhook-messages/${message!.id}/redeliver`)).status).toBe(202);
      await waitForConfirmation(lenient, id, 'confirmed');
    } finally {
      await lenientWorkers.close();
    }
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([message!.id]);
  });
});
