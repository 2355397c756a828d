import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch, request, type Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../src/webhooks/address-policy.js';
import { BlockedAddressError, findBlockedAddressError } from '../../src/webhooks/blocked-address-error.js';
import { createSafeDispatcher } from '../../src/webhooks/safe-dispatcher.js';
import { checkWebhookUrl, type LookupAll } from '../../src/webhooks/url-check.js';

let server: Server;
let port: number;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/target` }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const dispatchers: Dispatcher[] = [];
function dispatcher(...args: Parameters<typeof createSafeDispatcher>): Dispatcher {
  const created = createSafeDispatcher(...args);
  dispatchers.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.close()));
  hits.length = 0;
});

async function requestError(url: string, d: Dispatcher): Promise<unknown> {
  try {
    const response = await request(url, { dispatcher: d });
    await response.body.dump();
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe('createSafeDispatcher without allowed nets', () => {
  const cases = () => [
    [`http://127.0.0.1:${port}/`, '127.0.0.1'],
    [`http://localhost:${port}/`, '127.0.0.1'],
    [`http://[::ffff:127.0.0.1]:${port}/`, '::ffff:7f00:1'],
    [`http://0x7f.0.0.1:${port}/`, '127.0.0.1'],
    [`http://2130706433:${port}/`, '127.0.0.1'],
  ];

  it('refuses loopback by IP literal, hostname, mapped IPv6 and legacy IPv4 forms', async () => {
    const d = dispatcher(createAddressPolicy([]));
    for (const [url, address] of cases()) {
      const error = await requestError(url!, d);
      const blocked = findBlockedAddressError(error);
      expect(blocked, url).toBeInstanceOf(BlockedAddressError);
      expect(blocked!.code).toBe('ERR_WEBHOOK_ADDRESS_BLOCKED');
      expect(blocked!.address).toBe(address);
      expect(blocked!.message).toMatch(/a loopback address; allow it with LINKER_WEBHOOK_ALLOWED_NETS=127\.0\.0\.0\/8/);
    }
    expect(hits).toEqual([]);
  });

  it('names the hostname in the error for DNS names', async () => {
    const error = findBlockedAddressError(await requestError(`http://localhost:${port}/`, dispatcher(createAddressPolicy([]))));
    expect(error?.message).toMatch(/^webhook URL host "localhost" resolves to 127\.0\.0\.1, a loopback address/);
  });

  it('is found in the cause chain when used with fetch', async () => {
    const error = await fetch(`http://127.0.0.1:${port}/`, { dispatcher: dispatcher(createAddressPolicy([])) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).cause).toBeInstanceOf(BlockedAddressError);
    expect(findBlockedAddressError(error)?.address).toBe('127.0.0.1');
    expect(hits).toEqual([]);
  });

  it('checks the address actually connected to (DNS rebinding)', async () => {
    // First answer is what a registration-time check would see; the second is what a rebinding
    // attacker serves when the delivery connects.
    let calls = 0;
    const rebinding: LookupAll = async () => (calls++ === 0 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
    const policy = createAddressPolicy([]);
    const url = `http://rebind.example:${port}/`;
    await expect(checkWebhookUrl(url, policy, rebinding)).resolves.toEqual({ ok: true });
    const d = dispatcher(policy, { lookup: rebinding });
    const blocked = findBlockedAddressError(await requestError(url, d));
    expect(blocked?.message).toMatch(/"rebind\.example" resolves to 127\.0\.0\.1/);
    expect(calls).toBe(2);
    expect(hits).toEqual([]);
  });
});

describe('createSafeDispatcher with LINKER_WEBHOOK_ALLOWED_NETS=127.0.0.0/8', () => {
  it('connects to 127.0.0.1', async () => {
    const response = await request(`http://127.0.0.1:${port}/hello`, { dispatcher: dispatcher(createAddressPolicy(['127.0.0.0/8'])) });
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe('ok');
    expect(hits).toEqual(['/hello']);
  });

  it('connects to the IPv4-mapped form of an allowed address', async () => {
    const response = await request(`http://[::ffff:127.0.0.1]:${port}/mapped`, { dispatcher: dispatcher(createAddressPolicy(['127.0.0.0/8'])) });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    expect(hits).toEqual(['/mapped']);
  });

  it('connects to localhost through the real resolver', async () => {
    // ::1 is listed too because some hosts resolve localhost to both families and every
    // resolved address must be allowed.
    const d = dispatcher(createAddressPolicy(['127.0.0.0/8', '::1/128']));
    const response = await request(`http://localhost:${port}/local`, { dispatcher: d });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    expect(hits).toEqual(['/local']);
  });

  it('connects to a hostname whose addresses are all allowed', async () => {
    const d = dispatcher(createAddressPolicy(['127.0.0.0/8']), { lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
    const response = await request(`http://hooks.internal:${port}/named`, { dispatcher: d });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    expect(hits).toEqual(['/named']);
  });

  it('still refuses other private ranges', async () => {
    const d = dispatcher(createAddressPolicy(['127.0.0.0/8']), { lookup: async () => [{ address: '10.0.0.1', family: 4 }] });
    const blocked = findBlockedAddressError(await requestError(`http://intranet.example:${port}/`, d));
    expect(blocked?.address).toBe('10.0.0.1');
    expect(blocked?.message).toMatch(/a private address; allow it with LINKER_WEBHOOK_ALLOWED_NETS=10\.0\.0\.0\/8/);
  });

  it('returns a 302 as-is instead of following it', async () => {
    const response = await request(`http://127.0.0.1:${port}/redirect`, { dispatcher: dispatcher(createAddressPolicy(['127.0.0.0/8'])) });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(`http://127.0.0.1:${port}/target`);
    await response.body.dump();
    expect(hits).toEqual(['/redirect']);
  });
});
