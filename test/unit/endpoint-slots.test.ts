import { describe, expect, it } from 'vitest';
import { EndpointSlots } from '../../src/webhooks/endpoint-slots.js';

describe('EndpointSlots', () => {
  it('lets `perEndpoint` deliveries through per endpoint, each endpoint on its own', async () => {
    const slots = new EndpointSlots(2, 10);
    expect([await slots.acquire('a'), await slots.acquire('a'), await slots.acquire('b')]).toEqual([true, true, true]);
    expect(await slots.acquire('a')).toBe(false);
  });

  it('hands a released slot to the first delivery in line, and frees it when nobody waits', async () => {
    const slots = new EndpointSlots(1, 60_000);
    expect(await slots.acquire('a')).toBe(true);
    const order: string[] = [];
    const first = Promise.resolve(slots.acquire('a')).then((got) => order.push(`first:${got}`));
    const second = Promise.resolve(slots.acquire('a')).then((got) => order.push(`second:${got}`));
    slots.release('a');
    await first;
    slots.release('a');
    await second;
    expect(order).toEqual(['first:true', 'second:true']);
    slots.release('a');
    expect(await slots.acquire('a')).toBe(true);
  });

  it('turns a delivery away when no slot frees within the wait, and keeps the line of the others', async () => {
    const slots = new EndpointSlots(1, 20);
    expect(await slots.acquire('a')).toBe(true);
    expect(await slots.acquire('a')).toBe(false);
    slots.release('a');
    expect(await slots.acquire('a')).toBe(true);
  });
});
