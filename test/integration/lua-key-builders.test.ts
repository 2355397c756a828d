import { Redis } from 'ioredis';
import { afterAll, expect, inject, it } from 'vitest';
import { key } from '../../src/store/keys.js';
import { luaKeyBuilders } from '../../src/store/lua-key-builders.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

it('builds in Lua every key keys.ts builds, from the same definitions', async () => {
  const names = Object.keys(key) as (keyof typeof key)[];
  const parts = ['p:{d1}:acme', 'cr_01ABC', 'tenant-7'];
  const uses = names.map((name) => `K.${name}(${parts.slice(0, key[name].length).map((p) => `'${p}'`).join(', ')})`);
  const built = await redis.eval(`${luaKeyBuilders(uses.join('\n'))}return {${uses.join(', ')}}`, 0);
  expect(built).toEqual(names.map((name) => (key[name] as (...p: string[]) => string)(...parts.slice(0, key[name].length))));
});

it('refuses a builder keys.ts does not define, naming it', () => {
  expect(() => luaKeyBuilders("redis.call('GET', K.nowhere(base, id))")).toThrow(/K\.nowhere.*keys\.ts/);
});
