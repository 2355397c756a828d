import { describe, expect, it } from 'vitest';
import { TickBatcher } from '../../src/queues/tick-batcher.js';

describe('TickBatcher', () => {
  it('hands over everything added in one turn of the event loop in one call, and later adds in the next', async () => {
    const calls: number[][] = [];
    const batcher = new TickBatcher<number>(async (items) => {
      calls.push(items);
    });
    await Promise.all([batcher.add([1, 2]), batcher.add([3]), batcher.add([])]);
    await batcher.add([4]);
    expect(calls).toEqual([[1, 2, 3], [4]]);
  });

  it('gathers what is added while a hand-over is in flight into the next one', async () => {
    const calls: number[][] = [];
    let release!: () => void;
    const batcher = new TickBatcher<number>(async (items) => {
      calls.push(items);
      if (calls.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = batcher.add([1]);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([[1]]);
    // Added over several turns while the first hand-over waits on Redis: they go out together.
    const later = [batcher.add([2])];
    await new Promise((r) => setImmediate(r));
    later.push(batcher.add([3]));
    await new Promise((r) => setTimeout(r, 5));
    expect(calls).toEqual([[1]]);
    release();
    await Promise.all([first, ...later]);
    expect(calls).toEqual([[1], [2, 3]]);
  });

  it('resolves an add only after its batch was handed over', async () => {
    let handedOver = false;
    const batcher = new TickBatcher<string>(async () => {
      await new Promise((r) => setTimeout(r, 20));
      handedOver = true;
    });
    await batcher.add(['a']);
    expect(handedOver).toBe(true);
  });

  it('rejects every add of a batch that could not be handed over, and keeps working afterwards', async () => {
    let fail = true;
    const batcher = new TickBatcher<string>(async () => {
      if (fail) throw new Error('Redis is down');
    });
    const results = await Promise.allSettled([batcher.add(['a']), batcher.add(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batcher.add(['c'])).resolves.toBeUndefined();
  });
});
