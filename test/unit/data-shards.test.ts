import { describe, expect, it } from 'vitest';
import calculateSlot from 'cluster-key-slot';
import { ALL_SHARDS, DATA_SHARDS, shardOf, shardOfId } from '../../src/domain/shards.js';
import { isId, newIdSeed, newShardedId, seededId } from '../../src/domain/ids.js';
import { CLUSTER_SLOTS, slotSpreadTags } from '../../src/store/slot-spread-tags.js';
import { key, ShardBases } from '../../src/store/keys.js';

describe('data shards', () => {
  it('puts a tenant in the same shard every time, and spreads one platform\'s tenants evenly', () => {
    expect(shardOf('acme', 'tenant-1')).toBe(shardOf('acme', 'tenant-1'));
    const counts = new Array<number>(DATA_SHARDS).fill(0);
    for (let i = 0; i < 20_000; i++) counts[shardOf('acme', `tenant-${i}`)]!++;
    const expected = 20_000 / DATA_SHARDS;
    for (const n of counts) expect(Math.abs(n - expected) / expected).toBeLessThan(0.1);
  });

  it('keeps platform and tenant apart in the hash', () => {
    const pairs = Array.from({ length: 64 }, (_, i) => [shardOf(`a${i}`, 'b'), shardOf('a', `${i}b`)]);
    expect(pairs.some(([x, y]) => x !== y)).toBe(true);
  });

  it('names the shard in new ids, keeping the id shape and creation order', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => newShardedId('connectRequest', i % DATA_SHARDS));
    ids.forEach((id, i) => {
      expect(isId('connectRequest', id)).toBe(true);
      expect(shardOfId(id)).toBe(i % DATA_SHARDS);
    });
    // Many ids share a millisecond: the order still follows creation, across shards, with no repeats.
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('derives the same id from the same seed, naming the shard asked for', () => {
    const seed = newIdSeed();
    const a = seededId('connectRequest', seed, 3, 11);
    expect(seededId('connectRequest', seed, 3, 11)).toBe(a);
    expect(seededId('connectRequest', seed, 4, 11)).not.toBe(a);
    expect(shardOfId(a)).toBe(11);
    expect(isId('connectRequest', a)).toBe(true);
  });

  it('refuses a shard outside the range', () => {
    expect(() => newShardedId('account', DATA_SHARDS)).toThrow(RangeError);
    expect(() => newShardedId('account', -1)).toThrow(RangeError);
  });
});

describe('slot-spread tags', () => {
  it('gives tag i a slot in the i-th equal slot range', () => {
    for (const count of [3, 16, 32]) {
      slotSpreadTags(count, 'd').forEach((tag, i) => {
        const slot = calculateSlot(tag);
        expect(slot).toBeGreaterThanOrEqual(Math.floor((i * CLUSTER_SLOTS) / count));
        expect(slot).toBeLessThan(Math.floor(((i + 1) * CLUSTER_SLOTS) / count));
      });
    }
  });

  it('places a tenant\'s keys in one slot, and the shards of one platform in distinct slots', () => {
    const bases = new ShardBases('linker');
    const request = newShardedId('connectRequest', shardOf('acme', 't-1'));
    const account = newShardedId('account', shardOfId(request));
    const base = bases.ofTenant('acme', 't-1');
    const keys = [
      key.request(bases.ofId('acme', request), request),
      key.inflight(base, 'smartrecruiters', 't-1'),
      key.accountByTenant(base, 'smartrecruiters', 't-1'),
      key.account(bases.ofId('acme', account), account),
      key.requestsByTenant(base, 't-1'),
    ];
    expect(new Set(keys.map((k) => calculateSlot(k))).size).toBe(1);
    expect(new Set(ALL_SHARDS.map((shard) => calculateSlot(bases.ofShard('acme', shard)))).size).toBe(DATA_SHARDS);
    // Another platform's shard i shares the slot (the tag names the shard) but never a key.
    expect(calculateSlot(bases.ofShard('globex', 5))).toBe(calculateSlot(bases.ofShard('acme', 5)));
  });
});
