import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBound, upperBound } from './bisect';

describe('upperBound / lowerBound', () => {
  it('find the first element > v and ≥ v', () => {
    const xs = Float64Array.of(1, 2, 2, 2, 5);
    expect(upperBound(xs, 2)).toBe(4);
    expect(lowerBound(xs, 2)).toBe(1);
    expect(upperBound(xs, 0)).toBe(0);
    expect(lowerBound(xs, 9)).toBe(5);
    expect(upperBound(xs, 2, 0, 2)).toBe(2);
  });

  it('agree with a linear scan', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 })),
        fc.integer({ min: -1, max: 10 }),
        (a, v) => {
          const xs = Float64Array.from(a.sort((x, y) => x - y));
          const up = xs.findIndex((x) => x > v);
          const low = xs.findIndex((x) => x >= v);
          expect(upperBound(xs, v)).toBe(up < 0 ? xs.length : up);
          expect(lowerBound(xs, v)).toBe(low < 0 ? xs.length : low);
        },
      ),
    );
  });
});
