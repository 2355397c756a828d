import { expect, it } from 'vitest';
import { validateJobIds } from '../../src/queues/first-attempts-jobs.js';

it('runs of up to perJob requests share a job named after their first; a lone request is its own job', () => {
  const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  expect(validateJobIds(ids, 3)).toEqual(['f-a', 'f-a', 'f-a', 'f-d', 'f-d', 'f-d', 'g']);
  expect(validateJobIds(ids.slice(0, 6), 3)).toEqual(['f-a', 'f-a', 'f-a', 'f-d', 'f-d', 'f-d']);
  expect(validateJobIds(['only'], 20)).toEqual(['only']);
  expect(validateJobIds([], 20)).toEqual([]);
});
