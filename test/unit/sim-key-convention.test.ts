import { describe, expect, it } from 'vitest';
import { behaviorFromKeyName, parseKeyBehavior, simKey } from '../../src/sim/index.js';

const pad = (prefix: string) => `${prefix}-`.padEnd(32, 'z');

describe('key naming convention', () => {
  it('maps each prefix to its behaviour', () => {
    expect(behaviorFromKeyName(pad('valid'))).toEqual({ kind: 'valid' });
    expect(behaviorFromKeyName(pad('invalid'))).toEqual({ kind: 'invalid' });
    expect(behaviorFromKeyName(pad('forbidden'))).toEqual({ kind: 'forbidden' });
    expect(behaviorFromKeyName(pad('nofeature'))).toEqual({ kind: 'no_api_feature' });
    expect(behaviorFromKeyName(pad('flaky3'))).toEqual({ kind: 'flaky', failures: 3 });
    expect(behaviorFromKeyName(pad('flaky'))).toEqual({ kind: 'flaky', failures: 1 });
    expect(behaviorFromKeyName(pad('slow250'))).toEqual({ kind: 'slow', latencyMs: 250 });
    expect(behaviorFromKeyName(pad('ratelimit7'))).toEqual({ kind: 'rate_limited', retryAfter: 7 });
    expect(behaviorFromKeyName(pad('ratelimitx'))).toEqual({ kind: 'rate_limited', retryAfter: null });
    expect(behaviorFromKeyName(pad('ratelimit'))).toEqual({ kind: 'rate_limited', retryAfter: 1 });
    expect(behaviorFromKeyName(pad('ratelimit2t4'))).toEqual({ kind: 'rate_limited', retryAfter: 2, times: 4 });
    expect(behaviorFromKeyName(pad('ratelimitxt1'))).toEqual({ kind: 'rate_limited', retryAfter: null, times: 1 });
    expect(behaviorFromKeyName(pad('error502'))).toEqual({ kind: 'error', status: 502 });
    expect(behaviorFromKeyName(pad('error'))).toEqual({ kind: 'error', status: 500 });
  });

  it('treats other keys, wrong lengths and impossible statuses as unknown', () => {
    expect(behaviorFromKeyName('x'.repeat(32))).toBeUndefined();
    expect(behaviorFromKeyName('valid')).toBeUndefined();
    expect(behaviorFromKeyName(`valid${'a'.repeat(59)}`)).toBeUndefined();
    expect(behaviorFromKeyName(pad('error200'))).toBeUndefined();
    expect(behaviorFromKeyName(pad('Valid'))).toBeUndefined();
  });

  it('simKey builds deterministic 32-character keys that parse back', () => {
    const key = simKey('flaky2', 'tenant-17');
    expect(key).toHaveLength(32);
    expect(key).toBe(simKey('flaky2', 'tenant-17'));
    expect(key).not.toBe(simKey('flaky2', 'tenant-18'));
    expect(behaviorFromKeyName(key)).toEqual({ kind: 'flaky', failures: 2 });
    for (const prefix of ['ratelimit1', 'ratelimitx', 'slow50', 'error503', 'valid']) {
      for (let seed = 0; seed < 50; seed++) {
        expect(behaviorFromKeyName(simKey(prefix, seed))).toEqual(behaviorFromKeyName(pad(prefix)));
      }
    }
    expect(() => simKey('x'.repeat(31))).toThrow();
  });

  it('validates behaviours strictly and fills defaults', () => {
    expect(parseKeyBehavior({ kind: 'flaky' })).toEqual({ kind: 'flaky', failures: 1 });
    expect(parseKeyBehavior({ kind: 'rate_limited' })).toEqual({ kind: 'rate_limited', retryAfter: 1 });
    expect(() => parseKeyBehavior({ kind: 'valid', latencyMs: 5 })).toThrow(/latencyMs/);
    expect(() => parseKeyBehavior({ kind: 'slow', latencyMs: 1.5 })).toThrow();
    expect(() => parseKeyBehavior({})).toThrow();
  });
});
