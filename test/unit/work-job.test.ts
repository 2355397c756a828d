import { expect, it } from 'vitest';
import { attemptsOf, isLive, jobIdOf, nextAttempt, readWorkJob, workJobEntry } from '../../src/queues/work-job.js';

it('names jobs deterministically: a batch after its first record, a one job after its record and attempt', () => {
  expect(jobIdOf({ kind: 'batch', platformId: 'acme', ids: ['cr_a', 'cr_b'] })).toBe('b-cr_a');
  expect(jobIdOf({ kind: 'one', platformId: 'acme', id: 'cr_a', attempt: 3 })).toBe('cr_a-3');
  expect(workJobEntry({ kind: 'one', platformId: 'acme', id: 'cr_a', attempt: 2 }, { delay: 50 })).toMatchObject({ name: 'one', opts: { jobId: 'cr_a-2', delay: 50, attempts: 3 } });
});

it('a batch makes attempt 1 of each record; a one job its own attempt', () => {
  expect(attemptsOf({ kind: 'batch', platformId: 'acme', ids: ['x', 'y'] })).toEqual([{ id: 'x', attempt: 1 }, { id: 'y', attempt: 1 }]);
  expect(attemptsOf({ kind: 'one', platformId: 'acme', id: 'x', attempt: 4 })).toEqual([{ id: 'x', attempt: 4 }]);
});

it('a job is live while the record holds fewer attempts than the one it makes', () => {
  expect(isLive(1, 0)).toBe(true);
  expect(isLive(1, 1)).toBe(false);
  expect(isLive(3, 1)).toBe(true);
  expect(isLive(3, 3)).toBe(false);
});

it("the next job makes the attempt after what is recorded, never the handing job's own number", () => {
  expect(nextAttempt(1, 1)).toBe(2);
  expect(nextAttempt(4, 4)).toBe(5);
  // A job that ran before its predecessor's write landed recorded attempt 2 though it was queued as 4.
  expect(nextAttempt(4, 2)).toBe(5);
});

it('reads only well-formed job data', () => {
  expect(readWorkJob({ kind: 'one', platformId: 'acme', id: 'x', attempt: 2 })).toEqual({ kind: 'one', platformId: 'acme', id: 'x', attempt: 2 });
  expect(() => readWorkJob({ platformId: 'acme', requestId: 'x' })).toThrow();
  expect(() => readWorkJob({ kind: 'batch', platformId: 'acme', ids: [] })).toThrow();
});
