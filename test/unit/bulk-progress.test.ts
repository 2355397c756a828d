import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Progress, type ProgressCounts } from '../../src/cli/bulk/progress.js';
import { resultsFileFor } from '../../src/cli/bulk/bulk-action.js';

/** A non-terminal stream: Progress writes plain lines, every update with plainEverySeconds 0. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { lines, stream };
}

const counts = (over: Partial<ProgressCounts>): ProgressCounts => ({ submitted: 1000, linked: 0, failed: 0, confirmed: 0, ...over });

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-11-30T12:00:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('bulk progress line', () => {
  it('shows no ETA until a rate was measured over 5 seconds, then one from that rate', () => {
    const { lines, stream } = capture();
    const progress = new Progress({ total: 1000, wait: true, stream, plainEverySeconds: 0 });
    progress.update(counts({ linked: 0 }));
    vi.advanceTimersByTime(1000);
    // A first burst: 100 rows in one second would promise 9 s for the rest.
    progress.update(counts({ linked: 100 }));
    expect(lines.at(-1)).toContain('ETA ?');
    vi.advanceTimersByTime(4000);
    progress.update(counts({ linked: 200 }));
    // 200 rows in 5 s: 40/s, 800 left → 20 s.
    expect(lines.at(-1)).toMatch(/40 rows\/s, ETA 20s$/);
  });

  it("prefers the server's estimatedCompletionAt and shows the breaker's pause", () => {
    const { lines, stream } = capture();
    const progress = new Progress({ total: 1000, wait: true, stream, plainEverySeconds: 0 });
    progress.update(counts({ linked: 10, serverEta: new Date('2026-11-30T12:03:30Z') }));
    expect(lines.at(-1)).toContain('ETA 3m30s (server)');
    progress.update(counts({ linked: 10, serverEta: new Date('2026-11-30T12:03:30Z'), paused: { reason: 'provider_unavailable', resumesAt: '2026-11-30T12:01:00.000Z' } }));
    expect(lines.at(-1)).toMatch(/ETA 3m30s \(server\), paused: provider_unavailable, resumes 2026-11-30T12:01:00.000Z$/);
  });
});

describe('results file name', () => {
  it('replaces the extension instead of appending to it', () => {
    expect(resultsFileFor('data/tenantsB.csv')).toBe('tenantsB.results.csv');
    expect(resultsFileFor('tenants.jsonl')).toBe('tenants.results.csv');
    expect(resultsFileFor('tenants')).toBe('tenants.results.csv');
  });
});
