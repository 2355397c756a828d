import { describe, expect, it } from 'vitest';
import { classifyNetworkError, classifyResponse } from '../../src/providers/smartrecruiters/classify.js';
import { parseRetryAfter } from '../../src/domain/retry-after.js';
import { fullJitterDelay } from '../../src/domain/backoff.js';

const res = (status: number, body: unknown = {}, headers: Record<string, string> = {}) => ({ status, body, headers });

describe('SmartRecruiters response classification (DESIGN §4)', () => {
  it('200 with a company links', () => {
    expect(classifyResponse(res(200, { identifier: 'Acme1', name: 'Acme' }))).toEqual({ kind: 'success', httpStatus: 200, company: { identifier: 'Acme1', name: 'Acme' } });
  });
  it.each([
    [401, 'invalid_credentials'],
    [403, 'insufficient_permissions'],
    [400, 'provider_error'],
    [404, 'provider_error'],
    [409, 'provider_error'],
    [422, 'provider_error'],
  ])('%i is final: %s', (status, code) => {
    expect(classifyResponse(res(status, { message: 'x' }))).toMatchObject({ kind: 'final', code });
  });
  it('explains a company without API access', () => {
    const outcome = classifyResponse(res(403, { message: 'No access to feature: Customer API' }));
    expect(outcome).toMatchObject({ kind: 'final', code: 'insufficient_permissions' });
    expect((outcome as { message: string }).message).toMatch(/enable the Customer API/);
  });
  it.each([500, 502, 503, 504])('%i is retryable', (status) => {
    expect(classifyResponse(res(status)).kind).toBe('retryable');
  });
  it('429 reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    expect(classifyResponse(res(429, {}, { 'retry-after': '3' }), now)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000 });
    expect(classifyResponse(res(429, {}, { 'retry-after': 'Sat, 28 Nov 2026 12:00:05 GMT' }), now)).toMatchObject({ retryAfterMs: 5000 });
    expect(classifyResponse(res(429), now)).toMatchObject({ kind: 'rate_limited', retryAfterMs: undefined });
  });
  it('network errors and timeouts are retryable', () => {
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 300)).toMatchObject({ kind: 'retryable', httpStatus: null, message: 'could not reach SmartRecruiters (ECONNREFUSED)' });
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 300)).toMatchObject({ kind: 'retryable', message: 'SmartRecruiters did not answer within 300 ms' });
  });
});

describe('retry timing', () => {
  it('parseRetryAfter ignores garbage and clamps past dates to 0', () => {
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:00 GMT', 1000)).toBe(0);
  });
  it('full jitter stays within base·2^(n-1), capped', () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect(fullJitterDelay(1, opts, () => 0.999)).toBeLessThan(100);
    expect(fullJitterDelay(3, opts, () => 0.999)).toBeLessThan(400);
    expect(fullJitterDelay(3, opts, () => 0.999)).toBeGreaterThanOrEqual(399);
    expect(fullJitterDelay(20, opts, () => 0.999)).toBeLessThan(1000);
    expect(fullJitterDelay(5, opts, () => 0)).toBe(0);
  });
});
