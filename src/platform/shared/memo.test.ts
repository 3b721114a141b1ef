import { describe, expect, it } from 'vitest';
import { memoWeak, memoWeakAnd } from './memo';

describe('memoWeak, memoWeakAnd', () => {
  it('compute once per object (and argument), again for a new object', () => {
    const calls: string[] = [];
    const len = memoWeak((o: { s: string }) => {
      calls.push(o.s);
      return o.s.length;
    });
    const a = { s: 'abc' };
    expect([len(a), len(a), len({ s: 'abc' })]).toEqual([3, 3, 3]);
    expect(calls).toEqual(['abc', 'abc']);
    const at = memoWeakAnd((o: { s: string }, i: number) => {
      calls.push(`${o.s}@${i}`);
      return o.s[i];
    });
    expect([at(a, 0), at(a, 1), at(a, 0), at(a, 5)]).toEqual(['a', 'b', 'a', undefined]);
    // An undefined result is remembered too.
    expect(at(a, 5)).toBeUndefined();
    expect(calls.slice(2)).toEqual(['abc@0', 'abc@1', 'abc@5']);
  });
});
