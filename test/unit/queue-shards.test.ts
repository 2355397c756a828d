import { expect, it } from 'vitest';
import calculateSlot from 'cluster-key-slot';
import { DATA_SHARDS, dataShardOf, queueShardOf, queueShardPrefixes } from '../../src/queues/queue-shards.js';

it('one shard keeps the single-queue prefix', () => {
  expect(queueShardPrefixes('al', 1)).toEqual(['{al:q}']);
});

it('shard prefixes carry hash tags whose slots fall in evenly spread ranges', () => {
  for (const shards of [2, 3, 4, 16]) {
    const prefixes = queueShardPrefixes('al', shards);
    expect(new Set(prefixes).size).toBe(shards);
    prefixes.forEach((prefix, i) => {
      const slot = calculateSlot(`${prefix}:validate:wait`);
      expect(slot).toBeGreaterThanOrEqual(Math.floor((i * 16384) / shards));
      expect(slot).toBeLessThan(Math.floor(((i + 1) * 16384) / shards));
    });
  }
});

it('a record goes to the queue shard of its data shard; tenants spread over every shard', () => {
  expect(queueShardOf(13, 4)).toBe(1);
  expect(queueShardOf(13, 1)).toBe(0);
  const seen = new Set(Array.from({ length: 500 }, (_, i) => dataShardOf('acme', `tenant-${i}`)));
  expect(seen.size).toBe(DATA_SHARDS);
  expect(dataShardOf('acme', 't1')).toBe(dataShardOf('acme', 't1'));
});
