import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  SAMPLE_ABOVE,
  SAMPLE_SIZE,
  binCenter,
  histogram,
  histogramOfCounts,
  histogramOfSorted,
  sampleStep,
} from './histogram';

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

  it('with a sample, bins exactly the chosen whole rows', () => {
    // 7 rows of 3 values; every 3rd row from the first: rows 0, 3 and 6.
    const x = Float32Array.from({ length: 21 }, (_, i) => i);
    const h = histogram(x, {
      bins: 21,
      range: { min: 0, max: 21 },
      sample: { rowLength: 3, rowStep: 3 },
    });
    const picked = [0, 1, 2, 9, 10, 11, 18, 19, 20];
    expect(Array.from(h.counts)).toEqual(
      Array.from({ length: 21 }, (_, i) => (picked.includes(i) ? 1 : 0)),
    );
    // Its own range is that of the sample, the same as binning the picked values.
    const own = histogram(x, { bins: 4, sample: { rowLength: 3, rowStep: 3 } });
    expect(own).toEqual(histogram(picked, { bins: 4 }));
  });

  it('bins every value with a step of 1 or no sample', () => {
    const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const all = histogram(x, { bins: 16 });
    expect(histogram(x, { bins: 16, sample: { rowLength: 10, rowStep: 1 } })).toEqual(all);
    expect(all.counts.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('samples only layers above the threshold, keeping about SAMPLE_SIZE values in whole rows', () => {
    expect(sampleStep(235_200, 300)).toBe(1); // the shipped MLP's largest layer: exact
    expect(sampleStep(SAMPLE_ABOVE, 1024)).toBe(1);
    const step = sampleStep(2048 * 1152, 1152);
    expect(step).toBe(9);
    const kept = Math.ceil(2048 / step) * 1152;
    expect(kept).toBeGreaterThan(SAMPLE_SIZE * 0.8);
    expect(kept).toBeLessThan(SAMPLE_SIZE * 1.2);
    // Never a step past the last row: a few very long rows keep the first one.
    expect(sampleStep(4_000_000, 2_000_000)).toBe(2);
  });
});

describe('histogramOfSorted and histogramOfCounts', () => {
  const values = fc.array(
    fc.oneof(
      fc.float({ min: -3, max: 3, noNaN: true }),
      // Values on bin edges of the ranges below.
      fc.integer({ min: -24, max: 24 }).map((k) => k / 8),
    ),
    { maxLength: 200 },
  );
  const range = fc.oneof(
    fc.constant({ min: -2, max: 2 }),
    fc.constant({ min: 0.5, max: 0.5 }), // empty: widened by ±0.5 as histogram does
    fc
      .tuple(fc.float({ min: -2, max: 2, noNaN: true }), fc.float({ min: 0, max: 3, noNaN: true }))
      .map(([a, w]) => ({ min: a, max: a + w })),
  );

  it('bin sorted values by bisection exactly as histogram bins them one by one', () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 40 }), range, (xs, bins, r) => {
        const x = Float32Array.from(xs);
        const sorted = x.slice().sort();
        expect(histogramOfSorted(sorted, bins, r)).toEqual(histogram(x, { bins, range: r }));
      }),
      { numRuns: 400 },
    );
  });

  it('bin (value, count) pairs exactly as histogram bins the expanded values', () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 40 }), range, (xs, bins, r) => {
        const counts = xs.map((_, i) => (i % 3) + 1);
        const expanded = xs.flatMap((v, i) => Array<number>(counts[i]!).fill(v));
        expect(histogramOfCounts(xs, counts, bins, r)).toEqual(
          histogram(expanded, { bins, range: r }),
        );
      }),
      { numRuns: 400 },
    );
  });
});
