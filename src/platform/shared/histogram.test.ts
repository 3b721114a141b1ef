import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binCenter, histogram } from './histogram';

describe('histogram', () => {
  it('bins values into equal-width bins with the last bin closed', () => {
    const h = histogram([0, 0.1, 0.5, 0.99, 1], { bins: 2 });
    expect(h.min).toBe(0);
    expect(h.max).toBe(1);
    expect(Array.from(h.counts)).toEqual([2, 3]);
    expect(binCenter(h, 0)).toBeCloseTo(0.25);
  });

  it('draws a constant tensor as one spike in a ±0.5 range', () => {
    const h = histogram(new Float32Array([2, 2, 2]), { bins: 5 });
    expect(h.min).toBe(1.5);
    expect(h.max).toBe(2.5);
    expect(Array.from(h.counts)).toEqual([0, 0, 3, 0, 0]);
  });

  it('counts values outside an explicit range and NaN as outside', () => {
    const h = histogram([-2, -1, 0, 1, 2, NaN], { bins: 4, range: { min: -1, max: 1 } });
    expect(h.outside).toBe(3);
    expect(Array.from(h.counts)).toEqual([1, 0, 1, 1]);
  });

  it('handles an empty input', () => {
    const h = histogram([], { bins: 3 });
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('conserves mass: every finite value lands in exactly one bin', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), {
          minLength: 1,
        }),
        fc.integer({ min: 1, max: 200 }),
        (xs, bins) => {
          const h = histogram(xs, { bins });
          const total = h.counts.reduce((a, b) => a + b, 0);
          return total === xs.length && h.outside === 0;
        },
      ),
    );
  });
});
