/**
 * Quantization parameters (scale, zero-point) of uniform integer quantization, computed as
 * `torch.ao.quantization` observers do (`UniformQuantizationObserverBase._calculate_qparams`,
 * PyTorch 1.13–2.x), in float32 arithmetic so that the results agree bit for bit.
 *
 * Real value r and integer code q are related by r ≈ (q − zeroPoint) · scale, q ∈ [qmin, qmax].
 */

import { roundHalfEven } from './rounding';

/**
 * `'affine'` (asymmetric; torch `per_tensor_affine` / `per_channel_affine` with quint8-style
 * unsigned codes) or `'symmetric'` (signed codes, zero-point 0; torch `per_tensor_symmetric` /
 * `per_channel_symmetric` with qint8-style codes). Which signed range symmetric uses is a
 * {@link SymRange}.
 */
export type QScheme = 'affine' | 'symmetric';

/**
 * The two conventions of signed symmetric quantization (both zero-point 0):
 * - `'restricted'`: codes −(2^(b−1) − 1)..2^(b−1) − 1, scale = max|w| / (2^(b−1) − 1): TFLite's
 *   int8 weight convention (−127..127), the grid symmetric about 0 so that w and −w quantize to
 *   opposite codes. At 2 bits the grid is {−1, 0, 1}·max|w|.
 * - `'full'`: codes −2^(b−1)..2^(b−1) − 1, scale = max|w| / ((qmax − qmin) / 2) = max|w| /
 *   (2^(b−1) − 1/2): torch's default weight observer (`MinMaxObserver(dtype=torch.qint8,
 *   qscheme=torch.per_tensor_symmetric)`, −128..127, scale max|w|/127.5). One more level; a
 *   weight of −max|w| is exactly −2^(b−1)·s, one of +max|w| clips by half a step. At 2 bits the
 *   grid is {−2, −1, 0, 1}·max|w|/1.5.
 */
export type SymRange = 'restricted' | 'full';

export interface QParams {
  /** Step between adjacent levels, a float32 value ≥ {@link FLOAT32_EPS}. */
  readonly scale: number;
  /** The code that represents real 0 exactly. Always 0 for symmetric. */
  readonly zeroPoint: number;
  readonly qmin: number;
  readonly qmax: number;
}

/** `torch.finfo(torch.float32).eps` = 2^−23: the observers' lower bound on scale. */
export const FLOAT32_EPS = 1.1920928955078125e-7;

/** Bit widths accepted for uniform integer quantization (1 bit is binary: see binary.ts). */
export const MIN_UNIFORM_BITS = 2;
export const MAX_UNIFORM_BITS = 16;

/**
 * Integer code range for `bits` bits:
 * - affine: qmin = 0, qmax = 2^b − 1 (e.g. 0..255 at 8 bits);
 * - symmetric, restricted: qmin = −(2^(b−1) − 1), qmax = 2^(b−1) − 1 (−127..127 at 8 bits;
 *   −1..1 at 2 bits, i.e. ternary);
 * - symmetric, full: qmin = −2^(b−1), qmax = 2^(b−1) − 1 (−128..127 at 8 bits; −2..1 at 2 bits).
 *
 * `symRange` only matters for symmetric (see {@link SymRange}); it defaults to restricted.
 *
 * @throws RangeError unless bits is an integer in [2, 16].
 */
export function quantRange(
  bits: number,
  scheme: QScheme,
  symRange: SymRange = 'restricted',
): { qmin: number; qmax: number } {
  if (!Number.isInteger(bits) || bits < MIN_UNIFORM_BITS || bits > MAX_UNIFORM_BITS) {
    throw new RangeError(
      `uniform quantization needs an integer bit width in [${MIN_UNIFORM_BITS}, ${MAX_UNIFORM_BITS}], got ${bits}`,
    );
  }
  if (scheme === 'affine') return { qmin: 0, qmax: 2 ** bits - 1 };
  const qmax = 2 ** (bits - 1) - 1;
  return { qmin: symRange === 'full' ? -qmax - 1 : -qmax, qmax };
}

/** Number of integer levels of the grid: 2^b, or 2^b − 1 for restricted symmetric. */
export function levelCount(
  bits: number,
  scheme: QScheme,
  symRange: SymRange = 'restricted',
): number {
  const { qmin, qmax } = quantRange(bits, scheme, symRange);
  return qmax - qmin + 1;
}

/**
 * Scale and zero-point from an observed range [min, max], as torch's MinMaxObserver:
 *
 *   min⁻ = min(min, 0),  max⁺ = max(max, 0)            (the range always contains 0)
 *   affine:    scale = max(fl((max⁺ − min⁻) / (qmax − qmin)), ε)
 *              zeroPoint = clamp(qmin − round(fl(min⁻ / scale)), qmin, qmax)
 *   symmetric: scale = max(fl(max(−min⁻, max⁺) / ((qmax − qmin) / 2)), ε),  zeroPoint = 0
 *
 * (the symmetric divisor is 2^(b−1) − 1 for the restricted range and 2^(b−1) − 1/2 for the full
 * one: torch's formula, whichever quant_min/quant_max the observer was given)
 *
 * where fl(·) rounds to float32 (torch computes these in float32), round is half-to-even and
 * ε = 2^−23 ({@link FLOAT32_EPS}). A zero-width range (e.g. an all-zero tensor) thus gets
 * scale ε rather than a division by zero. As in torch, an empty range (min = +∞, max = −∞,
 * i.e. nothing observed) gives scale 1, zeroPoint 0.
 *
 * @throws RangeError if min > max or either is NaN (torch asserts), or on a bad bit width.
 */
export function computeQParams(
  min: number,
  max: number,
  bits: number,
  scheme: QScheme,
  symRange: SymRange = 'restricted',
): QParams {
  const { qmin, qmax } = quantRange(bits, scheme, symRange);
  if (min === Infinity && max === -Infinity) return { scale: 1, zeroPoint: 0, qmin, qmax };
  if (!(min <= max)) throw new RangeError(`min ${min} should be ≤ max ${max}`);
  const minNeg = Math.fround(Math.min(min, 0));
  const maxPos = Math.fround(Math.max(max, 0));
  if (scheme === 'symmetric') {
    const absMax = Math.max(-minNeg, maxPos);
    const scale = Math.max(Math.fround(absMax / ((qmax - qmin) / 2)), FLOAT32_EPS);
    return { scale, zeroPoint: 0, qmin, qmax };
  }
  const scale = Math.max(Math.fround(Math.fround(maxPos - minNeg) / (qmax - qmin)), FLOAT32_EPS);
  const zp = qmin - roundHalfEven(Math.fround(minNeg / scale));
  return { scale, zeroPoint: Math.min(Math.max(zp, qmin), qmax), qmin, qmax };
}

/**
 * The real interval that is representable without clipping:
 * [(qmin − zeroPoint)·scale, (qmax − zeroPoint)·scale], each end rounded to float32 as the
 * fake-quantized values are.
 */
export function clipRange(qp: QParams): { min: number; max: number } {
  return {
    min: Math.fround((qp.qmin - qp.zeroPoint) * qp.scale),
    max: Math.fround((qp.qmax - qp.zeroPoint) * qp.scale),
  };
}
