import { describe, expect, it } from 'vitest';
import { memo } from '../../src/webhooks/memo.js';

describe('memo', () => {
  it('makes a value once per input and starts over past its bound', () => {
    const made: string[] = [];
    const upper = memo((s) => {
      made.push(s);
      return s.toUpperCase();
    }, 2);
    expect([upper('a'), upper('a'), upper('b'), upper('a')]).toEqual(['A', 'A', 'B', 'A']);
    expect(made).toEqual(['a', 'b']);
    upper('c');
    upper('a');
    expect(made).toEqual(['a', 'b', 'c', 'a']);
  });
});
