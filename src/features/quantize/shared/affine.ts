/**
 * Uniform affine fake quantization, bit-compatible with PyTorch's CPU kernels of
 * `torch.fake_quantize_per_tensor_affine` and `torch.fake_quantize_per_channel_affine`:
 *
 *   inv = fl(1 / scale)
 *   q   = clamp(round(fl(x · inv)) + zeroPoint, qmin, qmax)       (the integer code)
 *   x̂   = fl((q − zeroPoint) · scale)                             (the dequantized value)
 *
 * fl(·) rounds to float32 and round is half-to-even (`std::nearbyint`). Note torch multiplies
 * by the float32 reciprocal rather than dividing by scale; the two differ by one unit in the
 * last place often enough to move a tie, so we do the same.
 */

import { mulberry32, type Random } from '../../../platform/shared/random';
import { channelAxis, channelCount, minMaxPerChannel } from './channels';
import { clipRange, computeQParams, type QParams, type QScheme, type SymRange } from './qparams';
import { roundStochastic, type RoundingMode } from './rounding';
import type { QuantizedTensor } from './types';

/** 1.5 · 2^52: v + ROUND_MAGIC − ROUND_MAGIC is v rounded half to even, for |v| < 2^51. */
const ROUND_MAGIC = 6755399441055744;

export interface FakeQuantizeOptions {
  /** `'nearest'` (half to even, the default) or `'stochastic'` (seeded, unbiased). */
  readonly rounding?: RoundingMode;
  /** Seed of the stochastic rounding stream; one draw per element, in index order. */
  readonly seed?: number;
}

export interface FakeQuantized {
  readonly values: Float32Array;
  readonly codes: Int32Array;
}

/**
 * Fake-quantizes `x` with one set of qparams per channel, channel of index i = i mod
 * `qparams.length` (the last axis of a row-major tensor; see channels.ts). Per-tensor is the
 * case of a single entry. NaN maps to NaN (code 0); ±∞ clip to the ends of the range.
 */
export function fakeQuantize(
  x: Float32Array,
  qparams: readonly QParams[],
  options: FakeQuantizeOptions = {},
): FakeQuantized {
  const channels = qparams.length;
  if (channels === 0) throw new RangeError('fakeQuantize needs at least one set of qparams');
  const random: Random | null =
    options.rounding === 'stochastic' ? mulberry32(options.seed ?? 0) : null;
  // Per-channel parameters in flat arrays and a channel counter instead of i mod channels: this
  // loop runs over every weight at every slider step.
  const scale = Float64Array.from(qparams, (qp) => qp.scale);
  const inv = Float64Array.from(qparams, (qp) => Math.fround(1 / qp.scale));
  const zero = Float64Array.from(qparams, (qp) => qp.zeroPoint);
  const lo = Float64Array.from(qparams, (qp) => qp.qmin);
  const hi = Float64Array.from(qparams, (qp) => qp.qmax);
  const values = new Float32Array(x.length);
  const codes = new Int32Array(x.length);
  for (let i = 0, c = 0; i < x.length; i++, c = c + 1 === channels ? 0 : c + 1) {
    const v = Math.fround(x[i]! * inv[c]!);
    // Round half to even: adding and subtracting 1.5·2^52 leaves float64 no fraction bits, and
    // IEEE addition rounds ties to even, exactly as nearbyint (|v| < 2^51; anything larger
    // clamps to qmin or qmax below either way). About twice as fast as Math.round plus a tie fix.
    const r = random ? roundStochastic(v, random) : v + ROUND_MAGIC - ROUND_MAGIC;
    const z = zero[c]!;
    let q = r + z;
    if (q < lo[c]!) q = lo[c]!;
    else if (q > hi[c]!) q = hi[c]!;
    // NaN fails both tests and stays NaN: code 0, value NaN.
    codes[i] = q;
    values[i] = (q - z) * scale[c]!; // exact in float64, rounded once by the store
  }
  return { values, codes };
}

/** `torch.fake_quantize_per_tensor_affine(x, scale, zeroPoint, qmin, qmax)`. */
export function fakeQuantizePerTensor(
  x: Float32Array,
  qparams: QParams,
  options?: FakeQuantizeOptions,
): FakeQuantized {
  return fakeQuantize(x, [qparams], options);
}

/**
 * `torch.fake_quantize_per_channel_affine(x, scale, zeroPoint, axis = last, qmin, qmax)`,
 * `qparams[c]` applying to output channel c.
 */
export function fakeQuantizePerChannel(
  x: Float32Array,
  qparams: readonly QParams[],
  options?: FakeQuantizeOptions,
): FakeQuantized {
  return fakeQuantize(x, qparams, options);
}

export interface UniformQuantConfig extends FakeQuantizeOptions {
  /** 2..16 (8 = int8). */
  readonly bits: number;
  readonly scheme: QScheme;
  /** Signed range of symmetric quantization (ignored by affine); default `'restricted'`. */
  readonly symRange?: SymRange;
  /** One scale/zero-point per output channel (last axis) instead of one per tensor. */
  readonly perChannel: boolean;
}

/**
 * Post-training weight quantization with a MinMax observer, as torch's default weight
 * observers (`MinMaxObserver` per-tensor, `PerChannelMinMaxObserver` per-channel): the
 * observed range of each channel gives its qparams ({@link computeQParams}), then
 * {@link fakeQuantize}.
 */
export function quantizeUniform(
  weights: Float32Array,
  shape: readonly number[],
  config: UniformQuantConfig,
): QuantizedTensor {
  const channels = channelCount(weights.length, shape, config.perChannel);
  const { min, max } = minMaxPerChannel(weights, channels);
  const qparams: QParams[] = [];
  for (let c = 0; c < channels; c++) {
    qparams.push(computeQParams(min[c]!, max[c]!, config.bits, config.scheme, config.symRange));
  }
  const { values, codes } = fakeQuantize(weights, qparams, config);
  const clips = qparams.map(clipRange);
  const first = qparams[0]!;
  return {
    values,
    codes,
    shape: [...shape],
    axis: channelAxis(shape, config.perChannel),
    scale: Float32Array.from(qparams, (qp) => qp.scale),
    zeroPoint: Int32Array.from(qparams, (qp) => qp.zeroPoint),
    qmin: first.qmin,
    qmax: first.qmax,
    clipMin: Float32Array.from(clips, (r) => r.min),
    clipMax: Float32Array.from(clips, (r) => r.max),
  };
}
