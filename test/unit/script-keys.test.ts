import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCRIPT_SPECS } from '../../src/store/scripts.js';

/** The KEYS a script's header names (`KEYS[1] base, KEYS[2] request, …; then per id: a, b`). */
function headerKeys(file: string): { keys: string[]; each: string[] } {
  const header = readFileSync(new URL(`../../src/store/lua/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('--'))
    .map((line) => line.replace(/^--\s?/, ''))
    .join(' ');
  const keys = [...header.matchAll(/KEYS\[(\d+)\] (\w+)/g)].map((m, i) => {
    expect(Number(m[1]), `${file}: KEYS[${m[1]}] named out of order`).toBe(i + 1);
    return m[2]!;
  });
  const each = /then per [\w ]+?: ([\w, ]+)\./.exec(header)?.[1]?.split(/, /) ?? [];
  return { keys, each };
}

describe('script KEYS', () => {
  it.each(Object.entries(SCRIPT_SPECS))('%s names at the top of its file the KEYS its wrapper passes, in order', (_, spec) => {
    expect(headerKeys(spec.file)).toEqual({ keys: [...spec.keys], each: [...spec.each] });
  });
});
