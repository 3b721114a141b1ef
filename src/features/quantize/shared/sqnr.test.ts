import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../platform/shared/random';
import { quantizeUniform } from './affine';
import {
  countClipped,
  distinctLevels,
  distinctLevelsPerChannel,
  errorStats,
  maxAbsError,
  mse,
  quantErrorStats,
  sqnrDb,
} from './sqnr';

describe('error metrics', () => {
  it('computes MSE, SQNR and max error by hand', () => {
    const x = [1, 2, 3, 4];
    const xq = [1, 2, 3, 5];
    expect(mse(x, xq)).toBe(0.25);
    expect(sqnrDb(x, xq)).toBeCloseTo(10 * Math.log10(30), 12); // 14.77 dB
    expect(maxAbsError(x, xq)).toBe(1);
  });

  it('gives +∞ dB for an exact copy (also of zeros) and −∞ for a zero signal with noise', () => {
    expect(sqnrDb([1, -2], [1, -2])).toBe(Infinity);
    expect(sqnrDb([0, 0], [0, 0])).toBe(Infinity);
    expect(sqnrDb([0, 0], [0, 1])).toBe(-Infinity);
    expect(mse([], [])).toBe(0);
  });

  it('rejects arrays of different lengths', () => {
    expect(() => mse([1], [1, 2])).toThrow(RangeError);
  });

  it('counts clipped values per channel (channel = index mod channels)', () => {
    // [2, 2] kernel: channel 0 = {−3, 0.5}, channel 1 = {1, 9}.
    expect(countClipped([-3, 1, 0.5, 9], [-1, 0], [1, 2])).toBe(2);
    expect(countClipped([-3, 1, 0.5, 9], [-1], [1])).toBe(2);
    expect(() => countClipped([1], [], [])).toThrow(RangeError);
  });

  it('counts distinct levels, −0 and +0 as one', () => {
    expect(distinctLevels([0, -0, 1, 1, 2])).toBe(3);
    expect(distinctLevels(Float32Array.from([0, -0, 1, 1, 2, NaN, NaN, -Infinity]))).toBe(5);
  });

  it('counts float32 levels through bit patterns exactly as a Set of numbers does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.float(), fc.constantFrom(0, -0, NaN, 1, -1)), { maxLength: 300 }),
        (xs) => {
          const x = Float32Array.from(xs);
          expect(distinctLevels(x)).toBe(new Set(Array.from(x)).size);
        },
      ),
    );
    expect(Array.from(distinctLevelsPerChannel([0, 5, 1, 5, 0, 5], 2))).toEqual([2, 1]);
  });

  it('follows the ≈ 6.02 dB-per-bit rule on full-scale uniform data', () => {
    // Signal power 1/3, noise Δ²/12 with Δ = 2/(2^b − 1): SQNR = 20·log10(2^b − 1) dB.
    const random = mulberry32(11);
    const x = Float32Array.from({ length: 20_000 }, () => 2 * random() - 1);
    const at = (bits: number) =>
      sqnrDb(
        x,
        quantizeUniform(x, [x.length], { bits, scheme: 'affine', perChannel: false }).values,
      );
    for (const bits of [4, 6, 8])
      expect(Math.abs(at(bits) - 20 * Math.log10(2 ** bits - 1))).toBeLessThan(0.3);
  });

  it('bundles the metrics for the UI', () => {
    const x = Float32Array.from([-1, 0, 0.3, 5]);
    const t = quantizeUniform(x, [4], { bits: 2, scheme: 'symmetric', perChannel: false });
    const s = quantErrorStats(x, t.values, t);
    expect(s.levels).toBeLessThanOrEqual(3);
    expect(s.clipped).toBe(0);
    expect(s.mse).toBeCloseTo(mse(x, t.values), 12);
    expect(quantErrorStats(x, x).sqnrDb).toBe(Infinity);
  });

  it('computes in one pass exactly what the separate metrics compute', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((channels) =>
          fc.tuple(
            fc.constant(channels),
            fc.array(
              fc.tuple(
                fc.float({ noNaN: true, min: -8, max: 8 }),
                fc.float({ noNaN: true, min: -8, max: 8 }),
              ),
              {
                maxLength: 40,
              },
            ),
            fc.array(fc.float({ noNaN: true, min: -4, max: 0 }), {
              minLength: channels,
              maxLength: channels,
            }),
            fc.array(fc.float({ noNaN: true, min: 0, max: 4 }), {
              minLength: channels,
              maxLength: channels,
            }),
          ),
        ),
        ([, pairs, clipMin, clipMax]) => {
          const x = Float32Array.from(pairs, (p) => p[0]);
          const xq = Float32Array.from(pairs, (p) => p[1]);
          const s = errorStats(x, xq, { clipMin, clipMax });
          expect(s.mse).toBeCloseTo(mse(x, xq), 9);
          const db = sqnrDb(x, xq);
          if (Number.isFinite(db)) expect(s.sqnrDb).toBeCloseTo(db, 9);
          else expect(s.sqnrDb).toBe(db);
          expect(s.maxAbsError).toBe(maxAbsError(x, xq));
          expect(s.clipped).toBe(countClipped(x, clipMin, clipMax));
          expect(errorStats(x, xq).clipped).toBe(0);
        },
      ),
    );
  });

  it('keeps a NaN error as the max, as maxAbsError does, wherever it falls (one channel or two)', () => {
    for (const at of [0, 2, 5]) {
      const x = Float32Array.from([0.5, -1, 2, 0.25, -3, 1]);
      const xq = Float32Array.from([0.5, -1, 1.5, 0.25, -2, 1]);
      xq[at] = NaN;
      const want = maxAbsError(x, xq);
      expect(want).toBeNaN();
      expect(errorStats(x, xq).maxAbsError).toBeNaN();
      expect(errorStats(x, xq, { clipMin: [-1, -1], clipMax: [1, 1] }).maxAbsError).toBeNaN();
    }
  });
});
