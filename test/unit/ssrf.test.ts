import { describe, expect, it } from 'vitest';
import { createAddressPolicy, parseAllowedNets, suggestAllowedNet } from '../../src/webhooks/address-policy.js';
import { checkWebhookUrl, type LookupAll } from '../../src/webhooks/url-check.js';

const strict = createAddressPolicy([]);

const refused: Array<[string, RegExp]> = [
  ['127.0.0.1', /loopback/],
  ['::1', /loopback/],
  ['::ffff:127.0.0.1', /IPv4-mapped IPv6 address of 127\.0\.0\.1, a loopback/],
  ['::ffff:7f00:1', /IPv4-mapped IPv6 address of 127\.0\.0\.1, a loopback/],
  ['169.254.169.254', /link-local/],
  ['10.0.0.1', /private/],
  ['172.16.0.1', /private/],
  ['192.168.1.1', /private/],
  ['100.64.0.1', /carrier-grade NAT/],
  ['0.0.0.0', /unspecified/],
  ['::', /unspecified/],
  ['fe80::1', /link-local/],
  ['fc00::1', /unique-local/],
  ['ff02::1', /multicast/],
  ['224.0.0.1', /multicast/],
  ['255.255.255.255', /broadcast/],
  ['2002:7f00:1::', /6to4/],
  ['64:ff9b::7f00:1', /NAT64/],
  ['192.0.2.1', /documentation/],
  ['198.51.100.7', /documentation/],
  ['240.0.0.1', /reserved/],
  ['2001:db8::1', /reserved/],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
  ['::ffff:10.0.0.1', /private/],
  // IPv4-compatible form is labelled 'unicast' by ipaddr.js; it must still be refused.
  ['::7f00:1', /outside global unicast/],
];

describe('createAddressPolicy', () => {
  it.each(refused)('refuses %s', (ip, description) => {
    expect(strict.isAllowed(ip)).toBe(false);
    expect(strict.describe(ip)).toMatch(description);
  });

  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '8.8.8.8', '2001:4860:4860::8888', '::ffff:93.184.216.34'])(
    'allows public %s',
    (ip) => {
      expect(strict.isAllowed(ip)).toBe(true);
    },
  );

  it('fails closed on anything that is not a plain IP literal', () => {
    for (const value of ['localhost', '', '0x7f.0.0.1', '2130706433', '127.1', '[::1]', 'not-an-ip']) {
      expect(strict.isAllowed(value)).toBe(false);
    }
  });

  it('allows addresses inside allowedNets but nothing else', () => {
    const policy = createAddressPolicy(['127.0.0.0/8']);
    expect(policy.isAllowed('127.0.0.1')).toBe(true);
    expect(policy.isAllowed('127.5.6.7')).toBe(true);
    // The mapped form connects over IPv4 to the same host, so it is covered by the v4 network.
    expect(policy.isAllowed('::ffff:127.0.0.1')).toBe(true);
    expect(policy.isAllowed('::1')).toBe(false);
    expect(policy.isAllowed('10.0.0.1')).toBe(false);
    expect(policy.describe('127.0.0.1')).toMatch(/inside LINKER_WEBHOOK_ALLOWED_NETS network 127\.0\.0\.0\/8/);
  });

  it('accepts IPv6 allowed nets', () => {
    const policy = createAddressPolicy(['::1/128', 'fc00::/7']);
    expect(policy.isAllowed('::1')).toBe(true);
    expect(policy.isAllowed('fd12:3456::1')).toBe(true);
    expect(policy.isAllowed('127.0.0.1')).toBe(false);
  });

  it('throws naming the env variable and the bad value for an invalid CIDR', () => {
    expect(() => createAddressPolicy(['127.0.0.0/8', 'banana/8'])).toThrow(/LINKER_WEBHOOK_ALLOWED_NETS.*"banana\/8"/);
    expect(() => createAddressPolicy(['10.0.0.0/33'])).toThrow(/LINKER_WEBHOOK_ALLOWED_NETS.*"10\.0\.0\.0\/33"/);
    expect(() => createAddressPolicy(['10.0.0.1'])).toThrow(/LINKER_WEBHOOK_ALLOWED_NETS.*"10\.0\.0\.1"/);
  });
});

describe('parseAllowedNets', () => {
  it('splits on commas, trims, and drops empties', () => {
    expect(parseAllowedNets('')).toEqual([]);
    expect(parseAllowedNets('   ')).toEqual([]);
    expect(parseAllowedNets('127.0.0.0/8')).toEqual(['127.0.0.0/8']);
    expect(parseAllowedNets(' 127.0.0.0/8 , ::1/128,, ')).toEqual(['127.0.0.0/8', '::1/128']);
  });
});

describe('suggestAllowedNet', () => {
  it('suggests the well-known network or the single address', () => {
    expect(suggestAllowedNet('127.0.0.1')).toBe('127.0.0.0/8');
    expect(suggestAllowedNet('::ffff:127.0.0.1')).toBe('127.0.0.0/8');
    expect(suggestAllowedNet('172.20.1.1')).toBe('172.16.0.0/12');
    expect(suggestAllowedNet('::1')).toBe('::1/128');
    expect(suggestAllowedNet('224.0.0.1')).toBe('224.0.0.1/32');
  });
});

describe('WHATWG URL host normalisation (relied on by checkWebhookUrl)', () => {
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://0x7f.0.0.1/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://%31%32%37.0.0.1/', '127.0.0.1'],
    ['http://127.0.0.1./', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
    ['http://[0:0:0:0:0:0:0:1]/', '[::1]'],
  ])('%s has hostname %s', (url, hostname) => {
    expect(new URL(url).hostname).toBe(hostname);
  });
});

describe('checkWebhookUrl', () => {
  const publicLookup: LookupAll = async () => [{ address: '93.184.216.34', family: 4 }];
  const failLookup: LookupAll = async () => {
    throw new Error('lookup must not be called for IP literals');
  };

  it('accepts a public https URL', async () => {
    await expect(checkWebhookUrl('https://hooks.example.com/linker', strict, publicLookup)).resolves.toEqual({ ok: true });
  });

  it.each([
    'http://127.0.0.1/hook',
    'http://2130706433/hook',
    'http://0177.0.0.1/hook',
    'http://0x7f.0.0.1/hook',
    'http://127.1/hook',
    'http://[::1]/hook',
    'http://[::ffff:7f00:1]/hook',
    'http://[::ffff:127.0.0.1]:8080/hook',
    'http://169.254.169.254/latest/meta-data/',
    'https://10.1.2.3/hook',
  ])('refuses IP-literal URL %s without DNS', async (url) => {
    const result = await checkWebhookUrl(url, strict, failLookup);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.operatorDetail).toMatch(/allow it with LINKER_WEBHOOK_ALLOWED_NETS=/);
      expect(result.reason).toMatch(/resolves to a non-public address/);
      expect(result.reason).not.toMatch(/LINKER_WEBHOOK_ALLOWED_NETS|loopback|link-local|private/);
    }
  });

  it('explains decimal loopback with the suggested setting', async () => {
    const result = await checkWebhookUrl('http://2130706433/', strict, failLookup);
    expect(result).toEqual({
      ok: false,
      reason: 'webhook URL host "127.0.0.1" resolves to a non-public address; use a URL reachable on the public internet',
      operatorDetail:
        'webhook URL host 127.0.0.1 is a loopback address; allow it with LINKER_WEBHOOK_ALLOWED_NETS=127.0.0.0/8 if this is intended',
    });
  });

  it('refuses localhost using the real resolver', async () => {
    const result = await checkWebhookUrl('http://localhost:3000/hook', strict);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.operatorDetail).toMatch(/^webhook URL host "localhost" resolves to (127\.0\.0\.1|::1), a loopback address; allow it with LINKER_WEBHOOK_ALLOWED_NETS=/);
    }
  });

  it('refuses a hostname resolving to loopback, with the exact message', async () => {
    const lookup: LookupAll = async () => [{ address: '127.0.0.1', family: 4 }];
    await expect(checkWebhookUrl('https://evil.example/hook', strict, lookup)).resolves.toEqual({
      ok: false,
      reason: 'webhook URL host "evil.example" resolves to a non-public address; use a URL reachable on the public internet',
      operatorDetail:
        'webhook URL host "evil.example" resolves to 127.0.0.1, a loopback address; allow it with LINKER_WEBHOOK_ALLOWED_NETS=127.0.0.0/8 if this is intended',
    });
  });

  it('refuses when any one of several addresses is disallowed', async () => {
    const lookup: LookupAll = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '::ffff:169.254.169.254', family: 6 },
    ];
    const result = await checkWebhookUrl('https://mixed.example/', strict, lookup);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.operatorDetail).toMatch(/resolves to ::ffff:169\.254\.169\.254, an IPv4-mapped IPv6 address of 169\.254\.169\.254, a link-local address; allow it with LINKER_WEBHOOK_ALLOWED_NETS=169\.254\.0\.0\/16/);
  });

  it('accepts loopback when allowed by the operator', async () => {
    const policy = createAddressPolicy(parseAllowedNets('127.0.0.0/8,::1/128'));
    await expect(checkWebhookUrl('http://127.0.0.1:8080/hook', policy, failLookup)).resolves.toEqual({ ok: true });
    const lookup: LookupAll = async () => [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
    await expect(checkWebhookUrl('http://localhost:8080/hook', policy, lookup)).resolves.toEqual({ ok: true });
  });

  it('refuses non-http schemes, credentials, bad URLs and unresolvable hosts', async () => {
    const cases: Array<[string, RegExp, LookupAll]> = [
      ['ftp://example.com/', /http: or https:/, publicLookup],
      ['file:///etc/passwd', /http: or https:/, publicLookup],
      ['https://user:pw@example.com/', /username or password/, publicLookup],
      ['https://user@example.com/', /username or password/, publicLookup],
      ['not a url', /not a valid absolute URL/, publicLookup],
      ['/relative/path', /not a valid absolute URL/, publicLookup],
      [
        'https://nx.example/',
        /could not be resolved \(ENOTFOUND\)/,
        async () => {
          throw Object.assign(new Error('getaddrinfo ENOTFOUND nx.example'), { code: 'ENOTFOUND' });
        },
      ],
      ['https://empty.example/', /resolved to no addresses/, async () => []],
    ];
    for (const [url, reason, lookup] of cases) {
      const result = await checkWebhookUrl(url, strict, lookup);
      expect(result, url).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    }
  });
});
