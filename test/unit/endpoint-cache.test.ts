import { describe, expect, it } from 'vitest';
import { EndpointCache, type CachedEntry } from '../../src/store/endpoint-cache.js';

/** A fake Redis: a version counter and a list, with counts of what the cache asked for. */
function source(items: string[] = ['we_1']) {
  const state = { version: 1, items, loads: 0, versionReads: 0, clock: 0 };
  /** While set, the next load waits until released (one load only). */
  let hold: Promise<void> | undefined;
  let release: () => void = () => {};
  const cache = new EndpointCache<string>({
    readVersion: async () => {
      state.versionReads++;
      return String(state.version);
    },
    load: async (): Promise<CachedEntry<string>> => {
      state.loads++;
      const entry = { version: String(state.version), items: [...state.items] };
      const wait = hold;
      hold = undefined;
      if (wait) await wait;
      return entry;
    },
    ttlMs: 1000,
    now: () => state.clock,
  });
  const holdNextLoad = () => {
    hold = new Promise<void>((r) => (release = r));
  };
  return { state, cache, holdNextLoad, releaseLoad: () => release() };
}

describe('endpoint cache', () => {
  it('serves a list for the TTL without asking again', async () => {
    const { state, cache } = source();
    expect(await cache.get('p')).toEqual(['we_1']);
    state.clock = 999;
    expect(await cache.get('p')).toEqual(['we_1']);
    expect(state).toMatchObject({ loads: 1, versionReads: 0 });
  });

  it('after the TTL, keeps the list if the version did not move and reloads if it did', async () => {
    const { state, cache } = source();
    await cache.get('p');
    state.clock = 1000;
    await cache.get('p');
    expect(state).toMatchObject({ loads: 1, versionReads: 1 });

    state.items = ['we_1', 'we_2'];
    state.version = 2;
    state.clock = 2000;
    expect(await cache.get('p')).toEqual(['we_1', 'we_2']);
    expect(state.loads).toBe(2);
  });

  it('forget() makes the next read reload at once, inside the TTL', async () => {
    const { state, cache } = source();
    await cache.get('p');
    state.items = [];
    cache.forget('p');
    expect(await cache.get('p')).toEqual([]);
  });

  it('concurrent misses share one load', async () => {
    const { state, cache } = source();
    const lists = await Promise.all(Array.from({ length: 20 }, () => cache.get('p')));
    expect(lists.every((l) => l[0] === 'we_1')).toBe(true);
    expect(state.loads).toBe(1);
  });

  it('a load under way when forget() is called does not keep what it saw before the change', async () => {
    const { state, cache, holdNextLoad, releaseLoad } = source();
    holdNextLoad();
    const early = cache.get('p');
    await Promise.resolve();
    state.items = ['we_new'];
    state.version = 2;
    cache.forget('p');
    releaseLoad();
    await early;
    expect(await cache.get('p')).toEqual(['we_new']);
  });
});
