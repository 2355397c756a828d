import { beforeEach, describe, expect, it, vi } from 'vitest';
import { securityRow } from '../helpers/security-table.js';

const compared = vi.hoisted(() => ({ calls: [] as Array<[number, number]> }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.calls.push([a.byteLength, b.byteLength]);
      return real.timingSafeEqual(a, b);
    },
  };
});

const { PlatformStore } = await import('../../src/store/platform-store.js');

const tokens = [
  { id: 'acme', token: 'acme-token-0123456789abcdef' },
  { id: 'globex', token: 'globex-token-0123456789abcdef' },
  { id: 'initech', token: 'initech-token-much-longer-than-the-others-0123456789' },
];
// Only tokens from LINKER_PLATFORMS are checked here; a miss then asks Redis by digest (no string compare),
// after subscribing to token changes (a subscriber that never hears of one).
const redis = { hget: async () => null, duplicate: () => ({ on() {}, subscribe: async () => 1 }) } as never;

describe('platform token check', () => {
  beforeEach(() => {
    compared.calls = [];
  });

  it('compares digests of equal length with every configured token, whether it matches the first, the last or none', async () => {
    const row = securityRow('attack', 'token guessing: timing-safe comparison', 'every token compared in constant time, no early exit, length hidden');
    const store = new PlatformStore(redis, 'x', tokens);
    const probes = [tokens[0]!.token, tokens[2]!.token, 'a', tokens[0]!.token.slice(0, -1), 'z'.repeat(500), ''];
    for (const probe of probes) {
      compared.calls = [];
      const id = await store.authenticate(probe);
      expect(id).toBe(tokens.find((t) => t.token === probe)?.id ?? null);
      expect(compared.calls).toEqual(tokens.map(() => [32, 32]));
      row.runs++;
    }
  });
});
