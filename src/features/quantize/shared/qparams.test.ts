import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLOAT32_EPS, clipRange, computeQParams, levelCount, quantRange } from './qparams';
import { fakeQuantizePerTensor } from './affine';

describe('quantRange', () => {
  it('gives unsigned codes for affine and the restricted signed range for symmetric', () => {
    expect(quantRange(8, 'affine')).toEqual({ qmin: 0, qmax: 255 });
    expect(quantRange(8, 'symmetric')).toEqual({ qmin: -127, qmax: 127 });
    expect(quantRange(4, 'symmetric')).toEqual({ qmin: -7, qmax: 7 });
    expect(quantRange(2, 'symmetric')).toEqual({ qmin: -1, qmax: 1 }); // ternary
    expect(quantRange(2, 'affine')).toEqual({ qmin: 0, qmax: 3 });
  });

  it('gives the full signed range −2^(b−1)…2^(b−1)−1 for symmetric full (torch qint8 default)', () => {
    expect(quantRange(8, 'symmetric', 'full')).toEqual({ qmin: -128, qmax: 127 });
    expect(quantRange(4, 'symmetric', 'full')).toEqual({ qmin: -8, qmax: 7 });
    expect(quantRange(2, 'symmetric', 'full')).toEqual({ qmin: -2, qmax: 1 });
    expect(quantRange(8, 'symmetric', 'restricted')).toEqual(quantRange(8, 'symmetric'));
    expect(quantRange(8, 'affine', 'full')).toEqual({ qmin: 0, qmax: 255 }); // affine: no effect
  });

  it('counts 2^b − 1 levels for restricted symmetric and 2^b otherwise', () => {
    expect(levelCount(2, 'symmetric')).toBe(3);
    expect(levelCount(8, 'symmetric', 'restricted')).toBe(255);
    expect(levelCount(2, 'symmetric', 'full')).toBe(4);
    expect(levelCount(8, 'symmetric', 'full')).toBe(256);
    expect(levelCount(4, 'affine')).toBe(16);
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

  // torch.ao.quantization.observer._calculate_qparams, symmetric qschemes:
  //   scale = max(−min⁻, max⁺) / ((quant_max − quant_min) / 2),  zero_point = 0 for qint8,
  // with MinMaxObserver(dtype=torch.qint8) defaulting to quant_min = −128, quant_max = 127.
  it('symmetric full range 8-bit on [−1, 3]: scale = 3/127.5, codes −128…127', () => {
    const qp = computeQParams(-1, 3, 8, 'symmetric', 'full');
    expect(qp).toEqual({ scale: Math.fround(3 / 127.5), zeroPoint: 0, qmin: -128, qmax: 127 });
  });

  it('symmetric 2-bit: restricted is {−1, 0, 1}·max|w|, full range {−2, −1, 0, 1}·max|w|/1.5', () => {
    const x = Float32Array.from([-3, -2, -1.1, -0.9, -0.5, 0, 0.4, 0.8, 1.2, 3]);
    const restricted = computeQParams(-3, 3, 2, 'symmetric', 'restricted');
    expect(restricted).toEqual({ scale: 3, zeroPoint: 0, qmin: -1, qmax: 1 });
    // x/3 rounds to 0 for |x| ≤ 1.5: all but the extremes vanish.
    expect(Array.from(fakeQuantizePerTensor(x, restricted).values)).toEqual([
      -3, -3, 0, 0, 0, 0, 0, 0, 0, 3,
    ]);
    const full = computeQParams(-3, 3, 2, 'symmetric', 'full');
    expect(full).toEqual({ scale: 2, zeroPoint: 0, qmin: -2, qmax: 1 }); // 3 / ((1 − (−2)) / 2)
    // Codes: x/2 = −1.5 → −2 (ties to even), −1 → −1, −0.55 → −1, −0.45 → 0, −0.25 → 0, 0, 0.2 → 0,
    // 0.4 → 0, 0.6 → 1, 1.5 → 2 clamped to 1 (the positive end is half a step short).
    expect(Array.from(fakeQuantizePerTensor(x, full).codes)).toEqual([
      -2, -1, -1, 0, 0, 0, 0, 0, 1, 1,
    ]);
    expect(Array.from(fakeQuantizePerTensor(x, full).values)).toEqual([
      -4, -2, -2, 0, 0, 0, 0, 0, 2, 2,
    ]);
  });

  it('symmetric full range 4-bit on [−1.5, 6]: scale 6/7.5 = 0.8, clip range [−6.4, 5.6]', () => {
    const qp = computeQParams(-1.5, 6, 4, 'symmetric', 'full');
    expect(qp).toEqual({ scale: Math.fround(0.8), zeroPoint: 0, qmin: -8, qmax: 7 });
    expect(clipRange(qp)).toEqual({ min: Math.fround(-8 * 0.8), max: Math.fround(7 * 0.8) });
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
        fc.constantFrom('restricted' as const, 'full' as const),
        (a, b, bits, scheme, symRange) => {
          const qp = computeQParams(Math.min(a, b), Math.max(a, b), bits, scheme, symRange);
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
      { examples: [[Math.fround(-999.99982), Math.fround(999.99988), 2, 'affine', 'restricted']] },
    );
  });
});
