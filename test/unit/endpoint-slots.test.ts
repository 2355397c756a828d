import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EndpointSlots } from '../../src/webhooks/endpoint-slots.js';

describe('EndpointSlots', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** The outcome of an acquire, or 'waiting' while it has none yet. */
  function track(result: Promise<boolean> | boolean) {
    let state: boolean | 'waiting' = 'waiting';
    void Promise.resolve(result).then((got) => (state = got));
    return () => state;
  }

  it('lets `perEndpoint` deliveries through per endpoint, each endpoint on its own', async () => {
    const slots = new EndpointSlots(2, 200);
    expect([slots.acquire('a'), slots.acquire('a'), slots.acquire('b')]).toEqual([true, true, true]);
    const third = track(slots.acquire('a'));
    await vi.advanceTimersByTimeAsync(0);
    expect(third()).toBe('waiting');
  });

  it('hands freed slots to the deliveries in line, first come first served, then frees them', async () => {
    const slots = new EndpointSlots(1, 200);
    expect(slots.acquire('a')).toBe(true);
    const first = track(slots.acquire('a'));
    const second = track(slots.acquire('a'));
    slots.release('a');
    await vi.advanceTimersByTimeAsync(0);
    expect([first(), second()]).toEqual([true, 'waiting']);
    slots.release('a');
    await vi.advanceTimersByTimeAsync(0);
    expect(second()).toBe(true);
    slots.release('a');
    expect(slots.acquire('a')).toBe(true);
  });

  it('keeps a delivery in line past the stall time while the endpoint keeps freeing slots', async () => {
    const slots = new EndpointSlots(1, 200);
    expect(slots.acquire('a')).toBe(true);
    const line = Array.from({ length: 5 }, () => track(slots.acquire('a')));
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(150);
      slots.release('a');
    }
    await vi.advanceTimersByTimeAsync(0);
    // The last one waited 750 ms, but a slot came free every 150 ms.
    expect(line.map((state) => state())).toEqual([true, true, true, true, true]);
  });

  it('turns the deliveries in line away once the endpoint freed nothing for the stall time, and serves later ones again', async () => {
    const slots = new EndpointSlots(1, 200);
    expect(slots.acquire('a')).toBe(true);
    const waiting = [track(slots.acquire('a')), track(slots.acquire('a'))];
    await vi.advanceTimersByTimeAsync(199);
    expect(waiting.map((state) => state())).toEqual(['waiting', 'waiting']);
    await vi.advanceTimersByTimeAsync(1);
    expect(waiting.map((state) => state())).toEqual([false, false]);
    slots.release('a');
    expect(slots.acquire('a')).toBe(true);
  });
});
