import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalibrationHistogram } from './calibrationHistogram';

const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);

describe('CalibrationHistogram', () => {
  it('starts with the first batch’s largest magnitude and doubles to fit later values', () => {
    const h = new CalibrationHistogram(8);
    h.observe(Float32Array.from([1, -0.5, 0]));
    expect(h.extent).toBe(1);
    h.observe(Float32Array.from([3]));
    expect(h.extent).toBe(4);
    expect([h.count, h.min, h.max]).toEqual([4, -0.5, 3]);
    const bins = h.toBins();
    expect(sum(bins.counts)).toBe(4);
    expect(bins.binWidth).toBe(0.5);
    // Bins are by magnitude: −0.5 lies in the bin of |x| ∈ [0.5, 1), drawn as [−1, −0.5).
    expect([bins.min, bins.max]).toEqual([-1, 3.5]);
  });

  it('skips non-finite values and handles all-zero input', () => {
    const h = new CalibrationHistogram(4);
    h.observe(Float32Array.from([0, 0, NaN, Infinity]));
    expect(h.count).toBe(2);
    expect(h.quantile(0.5)).toBe(0);
    h.observe(Float32Array.from([2]));
    expect(h.extent).toBe(2);
    expect(h.quantile(1)).toBe(2);
  });

  it('finds quantiles to within a bin', () => {
    const h = new CalibrationHistogram(2048);
    const x = Float32Array.from({ length: 10_000 }, (_, i) => i + 1); // 1..10000
    h.observe(x);
    const w = h.binWidth;
    expect(Math.abs(h.quantile(0.999) - 9990)).toBeLessThanOrEqual(w);
    expect(Math.abs(h.quantile(0.001) - 10)).toBeLessThanOrEqual(w);
    expect(h.quantile(1)).toBe(10_000);
    expect(h.quantile(0)).toBe(1);
    const s = new CalibrationHistogram(2048);
    s.observe(Float32Array.from({ length: 10_001 }, (_, i) => i - 5000)); // −5000..5000
    expect(Math.abs(s.absQuantile(0.999) - 4995)).toBeLessThanOrEqual(s.binWidth);
    expect(Math.abs(s.quantile(0.5))).toBeLessThanOrEqual(s.binWidth);
  });

  it('conserves counts and keeps quantiles monotone within [min, max]', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.float({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 50 }),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        (batches) => {
          const h = new CalibrationHistogram(16);
          for (const b of batches) h.observe(Float32Array.from(b));
          const n = batches.reduce((a, b) => a + b.length, 0);
          expect(h.count).toBe(n);
          expect(sum(h.toBins().counts)).toBe(n);
          let prev = -Infinity;
          for (const q of [0, 0.1, 0.5, 0.9, 0.999, 1]) {
            const v = h.quantile(q);
            expect(v).toBeGreaterThanOrEqual(Math.max(prev, h.min));
            expect(v).toBeLessThanOrEqual(h.max);
            prev = v;
          }
        },
      ),
    );
  });

  it('rejects an odd bin count', () => {
    expect(() => new CalibrationHistogram(7)).toThrow(RangeError);
  });
});
