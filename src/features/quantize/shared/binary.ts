/**
 * Binary and ternary weights: the 1-bit and ~1.6-bit special cases of weight quantization,
 * where the uniform symmetric formula breaks down (at 1 bit its range −(2^0 − 1)..(2^0 − 1) is
 * {0}).
 *
 * - Binary (BinaryConnect, Courbariaux et al. 2015; scaled as in XNOR-Net, Rastegari et al.
 *   2016): ŵ = α · sign(w), α = mean |w| (the L2-optimal scale for fixed signs), with
 *   sign(0) = +1 so that every weight gets one of exactly two levels.
 * - Ternary (TWN, Li & Liu 2016): Δ = 0.7 · mean |w|; ŵ = +α if w > Δ, −α if w < −Δ, else 0,
 *   with α = mean of |w| over {|w| > Δ} (0 if that set is empty).
 *
 * Both are computed per tensor or per output channel (last axis), α in float64 then rounded to
 * float32. For comparison, 2-bit restricted-range symmetric uniform quantization is also ternary,
 * {−1, 0, 1}·s, but with s = max |w| and threshold s/2; the full range is the 4-level
 * {−2, −1, 0, 1}·max|w|/1.5 (see qparams.ts).
 */

import { channelAxis, channelCount } from './channels';
import type { QuantizedTensor } from './types';
import { touchedFloat32, touchedInt32 } from '../../../platform/shared/touchedArrays';

export interface BinaryConfig {
  /** One α per output channel (last axis) instead of one per tensor. */
  readonly perChannel: boolean;
}

/** TWN's threshold factor: Δ = 0.7 · mean |w| approximates the optimum for Gaussian weights. */
export const TWN_DELTA_FACTOR = 0.7;

/** Mean |w| of each channel (channel of index i = i mod channels); 0 for an empty channel. */
function meanAbsPerChannel(w: Float32Array, channels: number): Float64Array {
  const sum = new Float64Array(channels);
  const count = new Float64Array(channels);
  for (let i = 0; i < w.length; i++) {
    const c = i % channels;
    sum[c]! += Math.abs(w[i]!);
    count[c]!++;
  }
  return sum.map((s, c) => (count[c]! > 0 ? s / count[c]! : 0));
}

function assemble(
  values: Float32Array,
  codes: Int32Array,
  alpha: Float32Array,
  shape: readonly number[],
  perChannel: boolean,
): QuantizedTensor {
  return {
    values,
    codes,
    shape: [...shape],
    axis: channelAxis(shape, perChannel),
    scale: alpha,
    zeroPoint: new Int32Array(alpha.length),
    qmin: -1,
    qmax: 1,
    clipMin: alpha.map((a) => -a),
    clipMax: alpha.slice(),
  };
}

/** ŵ = α·sign(w), α = mean |w| per tensor or channel, sign(0) = +1. Codes are ±1. */
export function binarize(
  weights: Float32Array,
  shape: readonly number[],
  config: BinaryConfig,
): QuantizedTensor {
  const channels = channelCount(weights.length, shape, config.perChannel);
  const alpha = Float32Array.from(meanAbsPerChannel(weights, channels));
  const values = touchedFloat32(weights.length);
  const codes = touchedInt32(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const s = weights[i]! < 0 ? -1 : 1; // NaN and ±0 count as +1
    codes[i] = s;
    values[i] = s * alpha[i % channels]!;
  }
  return assemble(values, codes, alpha, shape, config.perChannel);
}

/** TWN ternarization: Δ = 0.7·mean |w|, ŵ ∈ {−α, 0, +α}, α = mean |w| over |w| > Δ. */
export function ternarize(
  weights: Float32Array,
  shape: readonly number[],
  config: BinaryConfig,
): QuantizedTensor {
  const channels = channelCount(weights.length, shape, config.perChannel);
  const delta = meanAbsPerChannel(weights, channels).map((m) => TWN_DELTA_FACTOR * m);
  const sum = new Float64Array(channels);
  const count = new Float64Array(channels);
  const codes = touchedInt32(weights.length); // zeros, as new
  for (let i = 0; i < weights.length; i++) {
    const c = i % channels;
    const w = weights[i]!;
    if (Math.abs(w) > delta[c]!) {
      codes[i] = w > 0 ? 1 : -1;
      sum[c]! += Math.abs(w);
      count[c]!++;
    }
  }
  const alpha = Float32Array.from(sum, (s, c) => (count[c]! > 0 ? s / count[c]! : 0));
  const values = touchedFloat32(weights.length);
  for (let i = 0; i < weights.length; i++) values[i] = codes[i]! * alpha[i % channels]!;
  return assemble(values, codes, alpha, shape, config.perChannel);
}
