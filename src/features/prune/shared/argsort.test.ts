import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argsortFloat32 } from './argsort';

describe('argsortFloat32', () => {
  it('sorts like a stable comparison sort', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true }), { maxLength: 500 }), (xs) => {
        const v = Float32Array.from(xs);
        // −0 and +0 compare equal numerically, but the radix order puts −0 first (as the test
        // below says): so does the reference, then index order for ties.
        const negZero = (x: number) => (Object.is(x, -0) ? 0 : 1);
        const expected = Array.from(v.keys()).sort(
          (a, b) => v[a]! - v[b]! || negZero(v[a]!) - negZero(v[b]!) || a - b,
        );
        const got = Array.from(argsortFloat32(v));
        expect(got.map((i) => v[i])).toEqual(expected.map((i) => v[i]));
        expect(new Set(got).size).toBe(v.length);
      }),
    );
  });

  it('puts −0 before +0 whichever comes first (the property above once met [0, −0])', () => {
    expect(Array.from(argsortFloat32(Float32Array.of(0, -0)))).toEqual([1, 0]);
    expect(Array.from(argsortFloat32(Float32Array.of(-0, 0)))).toEqual([0, 1]);
  });

  it('orders −∞, negatives, −0, +0, positives, +∞ and keeps ties in index order', () => {
    const v = Float32Array.of(2, -0, Infinity, -1, 0, -Infinity, 2, 1e-40);
    expect(Array.from(argsortFloat32(v))).toEqual([5, 3, 1, 4, 7, 0, 6, 2]);
  });

  it('sorts a subarray view in place of its own offset', () => {
    const base = Float32Array.of(9, 3, 1, 2);
    expect(Array.from(argsortFloat32(base.subarray(1)))).toEqual([1, 2, 0]);
  });
});
