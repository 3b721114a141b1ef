import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogram, histogramOfCounts } from '../../../platform/shared/histogram';
import { fakeQuantize, uniformGrid } from './affine';
import { minMaxPerChannel } from './channels';
import { distinctLevels, errorStats } from './sqnr';
import { sortChannels, uniformSummary } from './summary';

/** The exact pass the summary replaces: quantize every value, then count and compare. */
function exact(x: Float32Array, channels: number, config: Parameters<typeof uniformGrid>[2]) {
  const grid = uniformGrid(minMaxPerChannel(x, channels), [x.length / channels, channels], config);
  const { values, codes } = fakeQuantize(x, grid.qparams);
  const t = grid.tensor;
  const clip = {
    clipMin: t.clipMin.map((v, ch) => v - t.scale[ch]! / 2),
    clipMax: t.clipMax.map((v, ch) => v + t.scale[ch]! / 2),
  };
  return { grid, values, codes, clip, stats: errorStats(x, values, clip) };
}

const value = fc.oneof(
  { weight: 6, arbitrary: fc.float({ min: -2, max: 2, noNaN: true }) },
  // Repeats and exact ties between two levels (k/8 on a grid of step 1/4).
  { weight: 2, arbitrary: fc.integer({ min: -16, max: 16 }).map((k) => k / 8) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e-30, -1e-30) },
);

describe('sortChannels', () => {
  it('sorts every channel as the typed array sort does, −0 before +0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.float({ noNaN: true }), { maxLength: 40 }),
        (channels, xs) => {
          const rows = Math.floor(xs.length / channels);
          const x = Float32Array.from(xs.slice(0, rows * channels));
          const s = sortChannels(x, channels);
          expect(s.hasNaN).toBe(false);
          for (let c = 0; c < channels; c++) {
            const col = Float32Array.from({ length: rows }, (_, r) => x[r * channels + c]!).sort();
            const got = s.sorted.subarray(c * rows, (c + 1) * rows);
            expect(Array.from(got).map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual(
              Array.from(col).map((v) => (Object.is(v, -0) ? '-0' : v)),
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('says when a kernel holds NaN, and refuses a length that does not split', () => {
    expect(sortChannels(Float32Array.of(1, NaN, 2, 3), 2).hasNaN).toBe(true);
    expect(() => sortChannels(new Float32Array(5), 2)).toThrow(RangeError);
  });
});

describe('uniformSummary', () => {
  it('gives the exact pass’s code counts, levels, clipped count, max error and histogram', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(value, { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 2, max: 8 }),
        fc.constantFrom('affine', 'symmetric'),
        fc.constantFrom('restricted', 'full'),
        (channels, xs, bits, scheme, symRange) => {
          const rows = Math.max(1, Math.floor(xs.length / channels));
          const x = Float32Array.from({ length: rows * channels }, (_, i) => xs[i % xs.length]!);
          const config = { bits, scheme, symRange, perChannel: channels > 1 } as const;
          const e = exact(x, channels, config);
          const sum = uniformSummary(
            sortChannels(x, channels),
            e.grid.qparams,
            e.clip.clipMin,
            e.clip.clipMax,
          );
          const t = e.grid.tensor;
          const counts = new Float64Array(t.qmax - t.qmin + 1);
          for (const q of e.codes) counts[q - t.qmin]!++;
          expect(Array.from(sum.codeCounts)).toEqual(Array.from(counts));
          expect(sum.levels).toBe(distinctLevels(e.values));
          expect(sum.error.clipped).toBe(e.stats.clipped);
          expect(sum.error.maxAbsError).toBe(e.stats.maxAbsError);
          // The same squared errors, added in another order.
          expect(sum.error.mse).toBeCloseTo(e.stats.mse, 12);
          if (Number.isFinite(e.stats.sqnrDb))
            expect(sum.error.sqnrDb).toBeCloseTo(e.stats.sqnrDb, 6);
          else expect(sum.error.sqnrDb).toBe(e.stats.sqnrDb);
          const range = { min: -2.5, max: 2.5 };
          expect(histogramOfCounts(sum.runValues, sum.runCounts, 16, range)).toEqual(
            histogram(e.values, { bins: 16, range }),
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('walks short runs and gallops over long ones to the same result', () => {
    // 4,096 values per channel: 4-bit runs (~256 long) gallop, 8-bit per-channel runs walk.
    const x = Float32Array.from({ length: 4096 * 3 }, (_, i) => Math.sin(i * 12.9898) * 0.3);
    for (const bits of [4, 8]) {
      const config = { bits, scheme: 'affine', perChannel: true } as const;
      const e = exact(x, 3, config);
      const sum = uniformSummary(
        sortChannels(x, 3),
        e.grid.qparams,
        e.clip.clipMin,
        e.clip.clipMax,
      );
      const counts = new Float64Array(e.grid.tensor.qmax - e.grid.tensor.qmin + 1);
      for (const q of e.codes) counts[q - e.grid.tensor.qmin]!++;
      expect(Array.from(sum.codeCounts)).toEqual(Array.from(counts));
      expect(sum.error.maxAbsError).toBe(e.stats.maxAbsError);
      expect(sum.error.mse).toBeCloseTo(e.stats.mse, 14);
    }
  });

  it('refuses NaN and channels with code ranges of their own', () => {
    const s = sortChannels(Float32Array.of(1, NaN), 1);
    const qp = { scale: 1, zeroPoint: 0, qmin: -1, qmax: 1 };
    expect(() => uniformSummary(s, [qp], [-2], [2])).toThrow(RangeError);
    const two = sortChannels(Float32Array.of(1, 2), 2);
    expect(() => uniformSummary(two, [qp, { ...qp, qmax: 2 }], [-2, -2], [2, 2])).toThrow(
      RangeError,
    );
  });
});
