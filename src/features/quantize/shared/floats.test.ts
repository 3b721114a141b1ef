import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundToBFloat16, roundToFloat16, toBFloat16Array, toFloat16Array } from './floats';

describe('roundToFloat16', () => {
  it('rounds known values', () => {
    expect(roundToFloat16(1 / 3)).toBe(0.333251953125); // 0x3555
    expect(roundToFloat16(0.1)).toBe(0.0999755859375); // 0x2E66
    expect(roundToFloat16(1 + 2 ** -11)).toBe(1); // tie → even
    expect(roundToFloat16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9); // tie → even (up)
    expect(roundToFloat16(-2.5)).toBe(-2.5);
  });

  it('overflows past 65504 to ±Infinity, or saturates on request', () => {
    expect(roundToFloat16(65504)).toBe(65504);
    expect(roundToFloat16(65519.99)).toBe(65504);
    expect(roundToFloat16(65520)).toBe(Infinity); // the halfway point ties to the "even" 2^16
    expect(roundToFloat16(-1e6)).toBe(-Infinity);
    expect(roundToFloat16(65520, 'saturate')).toBe(65504);
    expect(roundToFloat16(-1e6, 'saturate')).toBe(-65504);
    expect(roundToFloat16(Infinity, 'saturate')).toBe(Infinity);
  });

  it('keeps subnormals (spacing 2^−24) and the sign of zero', () => {
    expect(roundToFloat16(2 ** -24)).toBe(2 ** -24); // smallest subnormal
    expect(roundToFloat16(2 ** -25)).toBe(0); // tie between 0 and 2^−24 → 0 (even)
    expect(roundToFloat16(3 * 2 ** -26)).toBe(2 ** -24);
    expect(roundToFloat16(1.5 * 2 ** -24)).toBe(2 ** -23); // tie → even
    expect(roundToFloat16(5e-5)).toBe(839 * 2 ** -24); // subnormal: 5e-5 / 2^−24 = 838.86
    expect(roundToFloat16(2 ** -14)).toBe(2 ** -14); // smallest normal
    expect(Object.is(roundToFloat16(-1e-10), -0)).toBe(true);
    expect(Number.isNaN(roundToFloat16(NaN))).toBe(true);
  });

  it('is idempotent and monotone', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), fc.float({ noNaN: true }), (a, b) => {
        const ra = roundToFloat16(a);
        expect(roundToFloat16(ra)).toBe(ra);
        if (a <= b) expect(ra).toBeLessThanOrEqual(roundToFloat16(b));
      }),
    );
  });
});

/** Independent reference: round-to-nearest-even on the float32 bit pattern. */
function bfloat16ByBits(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  const bits = u[0]!;
  u[0] = ((bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000) >>> 0;
  return f[0]!;
}

describe('roundToBFloat16', () => {
  it('rounds known values', () => {
    expect(roundToBFloat16(1 / 3)).toBe(0.333984375); // 0x3EAB
    expect(roundToBFloat16(1 + 2 ** -8)).toBe(1); // tie → even
    expect(roundToBFloat16(1 + 3 * 2 ** -9)).toBe(1 + 2 ** -7);
    expect(roundToBFloat16(65520)).toBe(65536);
    expect(roundToBFloat16(3.4e38)).toBe(Infinity);
    expect(roundToBFloat16(3.4e38, 'saturate')).toBe((2 - 2 ** -7) * 2 ** 127);
    expect(roundToBFloat16(1e-40)).toBe(bfloat16ByBits(1e-40)); // float32 subnormal range
  });

  it('agrees with the bit-level rounding of float32 everywhere', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), (x) => {
        expect(roundToBFloat16(x)).toBe(bfloat16ByBits(x));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('array helpers', () => {
  it('round element-wise into a new array', () => {
    const x = Float32Array.from([1 / 3, 70000, -0.1]);
    expect(Array.from(toFloat16Array(x))).toEqual([0.333251953125, Infinity, -0.0999755859375]);
    expect(Array.from(toFloat16Array(x, 'saturate'))[1]).toBe(65504);
    expect(Array.from(toBFloat16Array(x))).toEqual([0.333984375, 70144, -0.10009765625]);
    expect(x[1]).toBe(70000);
  });
});
