import { expect, it } from 'vitest';
import { ClaimBudget } from '../../workers/claim-budget.js';

type TestJob = { started: boolean; finish: () => void; done: Promise<void> };

/** A job that runs until `finish()` is called; `started` tells whether the budget let it in. */
function job(budget: ClaimBudget, requests: number): TestJob {
  let finish!: () => void;
  const state = { started: false, finish: () => finish() };
  const done = budget.run(requests, () => {
    state.started = true;
    return new Promise<void>((resolve) => (finish = resolve));
  });
  return Object.assign(state, { done });
}

/** Ends `jobs`, then lets the budget start whoever waited for their units. */
async function end(...jobs: TestJob[]): Promise<void> {
  for (const j of jobs) j.finish();
  await Promise.all(jobs.map((j) => j.done));
  await new Promise((r) => setImmediate(r));
}

const started = (...jobs: TestJob[]) => jobs.map((j) => j.started);

it('lets in jobs while their requests fit, and the next ones as units come back', async () => {
  const budget = new ClaimBudget(10);
  const [a, b, c] = [job(budget, 6), job(budget, 4), job(budget, 3)];
  await end();
  expect(started(a, b, c)).toEqual([true, true, false]);
  await end(b);
  expect(started(c)).toEqual([true]);
  await end(a, c);
});

it('serves waiting jobs in order: a small job does not pass a large one that waits', async () => {
  const budget = new ClaimBudget(10);
  const [a, large, small] = [job(budget, 8), job(budget, 5), job(budget, 1)];
  await end();
  expect(started(large, small)).toEqual([false, false]);
  await end(a);
  expect(started(large, small)).toEqual([true, true]);
  await end(large, small);
});

it('runs a job larger than the whole budget alone, and gives its units back when it fails', async () => {
  const budget = new ClaimBudget(4);
  await expect(budget.run(20, async () => { throw new Error('redis went away'); })).rejects.toThrow('redis went away');
  const [big, next] = [job(budget, 20), job(budget, 1)];
  await end();
  expect(started(big, next)).toEqual([true, false]);
  await end(big);
  expect(started(next)).toEqual([true]);
  await end(next);
});
