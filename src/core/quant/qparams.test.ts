import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLOAT32_EPS, clipRange, computeQParams, quantRange } from './qparams';

describe('quantRange', () => {
  it('gives unsigned codes for affine and the restricted signed range for symmetric', () => {
    expect(quantRange(8, 'affine')).toEqual({ qmin: 0, qmax: 255 });
    expect(quantRange(8, 'symmetric')).toEqual({ qmin: -127, qmax: 127 });
    expect(quantRange(4, 'symmetric')).toEqual({ qmin: -7, qmax: 7 });
    expect(quantRange(2, 'symmetric')).toEqual({ qmin: -1, qmax: 1 }); // ternary
    expect(quantRange(2, 'affine')).toEqual({ qmin: 0, qmax: 3 });
  });

  it('rejects 1 bit (binary has its own quantizer) and non-integers', () => {
    expect(() => quantRange(1, 'symmetric')).toThrow(RangeError);
    expect(() => quantRange(1, 'affine')).toThrow(RangeError);
    expect(() => quantRange(4.5, 'affine')).toThrow(RangeError);
    expect(() => quantRange(17, 'affine')).toThrow(RangeError);
  });
});

describe('computeQParams (torch MinMaxObserver)', () => {
  it('affine 8-bit on [−1, 3]: scale = 4/255, zeroPoint = −round(−1/scale) = 64', () => {
    const qp = computeQParams(-1, 3, 8, 'affine');
    expect(qp.scale).toBe(Math.fround(4 / 255));
    expect(qp.zeroPoint).toBe(64); // −1/scale = −63.75 → −64
    expect([qp.qmin, qp.qmax]).toEqual([0, 255]);
  });

  it('symmetric 8-bit on [−1, 3]: scale = 3/127, zeroPoint = 0', () => {
    const qp = computeQParams(-1, 3, 8, 'symmetric');
    expect(qp.scale).toBe(Math.fround(3 / 127));
    expect(qp.zeroPoint).toBe(0);
  });

  it('affine 4-bit on [−1.5, 6]: scale 0.5, zeroPoint 3', () => {
    expect(computeQParams(-1.5, 6, 4, 'affine')).toEqual({
      scale: 0.5,
      zeroPoint: 3,
      qmin: 0,
      qmax: 15,
    });
  });

  it('extends a positive-only range down to 0 and a negative-only range up to 0', () => {
    expect(computeQParams(1, 3, 2, 'affine')).toEqual({ scale: 1, zeroPoint: 0, qmin: 0, qmax: 3 });
    expect(computeQParams(-3, -1, 2, 'affine')).toEqual({
      scale: 1,
      zeroPoint: 3,
      qmin: 0,
      qmax: 3,
    });
    expect(computeQParams(-3, -1, 2, 'symmetric')).toEqual({
      scale: 3,
      zeroPoint: 0,
      qmin: -1,
      qmax: 1,
    });
  });

  it('guards a zero-width range with scale = float32 eps, as torch', () => {
    expect(computeQParams(0, 0, 8, 'affine')).toEqual({
      scale: FLOAT32_EPS,
      zeroPoint: 0,
      qmin: 0,
      qmax: 255,
    });
    expect(computeQParams(0, 0, 8, 'symmetric').scale).toBe(FLOAT32_EPS);
  });

  it('handles min = max ≠ 0 through the range extension', () => {
    const qp = computeQParams(0.3, 0.3, 8, 'affine');
    expect(qp.scale).toBe(Math.fround(Math.fround(0.3) / 255));
    expect(qp.zeroPoint).toBe(0);
    const neg = computeQParams(-2, -2, 8, 'affine');
    expect(neg.zeroPoint).toBe(255);
  });

  it('returns torch defaults for the not-observed sentinel and rejects min > max', () => {
    expect(computeQParams(Infinity, -Infinity, 8, 'affine')).toEqual({
      scale: 1,
      zeroPoint: 0,
      qmin: 0,
      qmax: 255,
    });
    expect(() => computeQParams(2, 1, 8, 'affine')).toThrow(RangeError);
    expect(() => computeQParams(NaN, 1, 8, 'affine')).toThrow(RangeError);
  });

  it('always represents 0 exactly and covers the observed range up to one step', () => {
    fc.assert(
      fc.property(
        fc.float({ min: -1000, max: 1000, noNaN: true }),
        fc.float({ min: -1000, max: 1000, noNaN: true }),
        fc.integer({ min: 2, max: 8 }),
        fc.constantFrom('affine' as const, 'symmetric' as const),
        (a, b, bits, scheme) => {
          const qp = computeQParams(Math.min(a, b), Math.max(a, b), bits, scheme);
          expect(Number.isInteger(qp.zeroPoint)).toBe(true);
          expect(qp.zeroPoint).toBeGreaterThanOrEqual(qp.qmin);
          expect(qp.zeroPoint).toBeLessThanOrEqual(qp.qmax);
          expect(qp.scale).toBeGreaterThanOrEqual(FLOAT32_EPS);
          const clip = clipRange(qp);
          expect(clip.min).toBeLessThanOrEqual(0);
          expect(clip.max).toBeGreaterThanOrEqual(0);
          // Rounding the zero-point may shift the grid by up to half a step; the scale is a
          // float32 (as in torch), so allow float32 rounding relative to the range's magnitude.
          const tol = 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
          expect(clip.min).toBeLessThanOrEqual(Math.min(a, b, 0) + qp.scale * 0.5 + tol);
          expect(clip.max).toBeGreaterThanOrEqual(Math.max(a, b, 0) - qp.scale * 0.5 - tol);
        },
      ),
      // A range near ±1000 once failed an absolute 1e-6 tolerance on float32 rounding.
      { examples: [[Math.fround(-999.99982), Math.fround(999.99988), 2, 'affine']] },
    );
  });
});
