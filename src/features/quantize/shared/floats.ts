/**
 * Rounding to 16-bit floating-point formats, as reference points next to integer quantization.
 *
 * | format   | exponent bits | mantissa bits | max finite            | smallest subnormal |
 * |----------|---------------|---------------|-----------------------|--------------------|
 * | float16  | 5             | 10            | 65504                 | 2^−24              |
 * | bfloat16 | 8             | 7             | ≈ 3.3895·10^38        | 2^−133             |
 *
 * Rounding is IEEE 754 round-to-nearest, ties-to-even, with gradual underflow (subnormals are
 * kept, not flushed to zero), as `torch.Tensor.half()` / `.bfloat16()` and numpy's float16.
 * Overflow: by default a value whose magnitude reaches the halfway point past max finite
 * (65520 for float16) becomes ±∞, as IEEE and torch do; `overflow: 'saturate'` clamps it to
 * ±max finite instead (what a careful deployment would do). NaN stays NaN, ±∞ stay ±∞, and
 * the sign of zero is kept. Every result is exactly representable in float32.
 *
 * The input is rounded directly from its float64 value (a float32 input is exact in float64),
 * so there is no double rounding.
 */

import { roundHalfEven } from './rounding';

export type FloatOverflow = 'infinity' | 'saturate';

export interface FloatFormat {
  readonly mantissaBits: number;
  /** Exponent of the smallest normal number (float16 −14, bfloat16 −126). */
  readonly minExponent: number;
  readonly maxFinite: number;
}

export const FLOAT16: FloatFormat = { mantissaBits: 10, minExponent: -14, maxFinite: 65504 };
export const BFLOAT16: FloatFormat = {
  mantissaBits: 7,
  minExponent: -126,
  maxFinite: (2 - 2 ** -7) * 2 ** 127,
};

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/**
 * ⌊log2 a⌋ for a finite a > 0, read from the exponent field of fl32(a) (clamped below to
 * `minExponent`). fl32 may round a up to the next power of two, 2^k, but only when a is within
 * 2^−24 relative of it, where rounding to ≤ 10 mantissa bits gives 2^k with either exponent.
 */
function exponentOf(a: number, minExponent: number): number {
  scratchF32[0] = a;
  const e = ((scratchU32[0]! >>> 23) & 0xff) - 127; // −127 for float32 subnormals and 0
  return Math.max(e, minExponent);
}

/**
 * Rounds x to the nearest value of `format`, ties to even. With exponent e = ⌊log2 |x|⌋ the
 * spacing of representable values is 2^(max(e, minExponent) − mantissaBits); below the normal
 * range this is the fixed subnormal spacing.
 */
export function roundToFloatFormat(
  x: number,
  format: FloatFormat,
  overflow: FloatOverflow = 'infinity',
): number {
  const a = Math.abs(x);
  if (a === 0 || !Number.isFinite(a)) return x;
  const sign = x < 0 ? -1 : 1;
  const e = exponentOf(a, format.minExponent);
  const quantum = 2 ** (e - format.mantissaBits);
  const r = roundHalfEven(a / quantum) * quantum; // power-of-2 scaling: exact
  if (r > format.maxFinite) return sign * (overflow === 'saturate' ? format.maxFinite : Infinity);
  return sign * r;
}

/** Rounds to IEEE binary16 (half precision). 1/3 → 0.333251953125, 65520 → +∞. */
export function roundToFloat16(x: number, overflow?: FloatOverflow): number {
  return roundToFloatFormat(x, FLOAT16, overflow);
}

/** Rounds to bfloat16 (the top 16 bits of a float32, rounded to nearest even). */
export function roundToBFloat16(x: number, overflow?: FloatOverflow): number {
  return roundToFloatFormat(x, BFLOAT16, overflow);
}

/** Element-wise {@link roundToFloat16}: the float16 "fake-quantized" copy of a tensor. */
export function toFloat16Array(x: Float32Array, overflow?: FloatOverflow): Float32Array {
  return x.map((v) => roundToFloat16(v, overflow));
}

/** Element-wise {@link roundToBFloat16}. */
export function toBFloat16Array(x: Float32Array, overflow?: FloatOverflow): Float32Array {
  return x.map((v) => roundToBFloat16(v, overflow));
}
