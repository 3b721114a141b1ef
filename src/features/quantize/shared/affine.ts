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
import { touchedFloat32, touchedInt32 } from '../../../platform/shared/touchedArrays';

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
  const values = touchedFloat32(x.length);
  const codes = touchedInt32(x.length);
  if (options.rounding === 'stochastic') {
    stochasticLoop(x, qparams, mulberry32(options.seed ?? 0), values, codes);
  } else if (channels === 1) {
    const qp = qparams[0]!;
    nearestPerTensor(
      x,
      Math.fround(1 / qp.scale),
      qp.scale,
      qp.zeroPoint,
      qp.qmin,
      qp.qmax,
      values,
      codes,
    );
  } else {
    nearestPerChannel(x, qparams, values, codes);
  }
  return { values, codes };
}

/*
 * The loops below run over every weight at every slider step (a 4 M-parameter model's largest
 * layer holds 2.4 M): one per case, with the parameters in locals or flat arrays, the channel
 * taken from the position in a row instead of a counter and a modulo, and no per-weight test of
 * the rounding mode. Each computes, per element, exactly
 *
 *   v = fl(x · inv);  r = round half to even (v);  q = clamp(r + z, qmin, qmax)
 *   code = q;  value = fl((q − z) · scale)
 *
 * Round half to even: adding and subtracting 1.5·2^52 leaves float64 no fraction bits, and IEEE
 * addition rounds ties to even, exactly as nearbyint (|v| < 2^51; anything larger clamps to qmin
 * or qmax either way). NaN fails both clamp tests and stays NaN: code 0, value NaN. (q − z)·scale
 * is exact in float64 and rounded once by the Float32Array store.
 */

function nearestPerTensor(
  x: Float32Array,
  inv: number,
  scale: number,
  z: number,
  lo: number,
  hi: number,
  values: Float32Array,
  codes: Int32Array,
): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    let q = Math.fround(x[i]! * inv) + ROUND_MAGIC - ROUND_MAGIC + z;
    if (q < lo) q = lo;
    else if (q > hi) q = hi;
    codes[i] = q;
    values[i] = (q - z) * scale;
  }
}

function nearestPerChannel(
  x: Float32Array,
  qparams: readonly QParams[],
  values: Float32Array,
  codes: Int32Array,
): void {
  const channels = qparams.length;
  const p: ChannelParams = {
    scale: Float64Array.from(qparams, (qp) => qp.scale),
    inv: Float64Array.from(qparams, (qp) => Math.fround(1 / qp.scale)),
    zero: Float64Array.from(qparams, (qp) => qp.zeroPoint),
    lo: Float64Array.from(qparams, (qp) => qp.qmin),
    hi: Float64Array.from(qparams, (qp) => qp.qmax),
  };
  // One code range for every channel (always, from computeQParams): the clamp bounds in locals,
  // 25 % faster than two more loads per weight.
  const first = qparams[0]!;
  const oneRange = qparams.every((qp) => qp.qmin === first.qmin && qp.qmax === first.qmax);
  const n = x.length;
  // Row by row (a row holds every channel once), the last one short if the length is not a
  // multiple of the channel count.
  for (let row = 0; row < n; row += channels) {
    const len = Math.min(channels, n - row);
    if (oneRange) nearestRow(x, row, len, p, first.qmin, first.qmax, values, codes);
    else nearestRowRanges(x, row, len, p, values, codes);
  }
}

interface ChannelParams {
  readonly scale: Float64Array;
  readonly inv: Float64Array;
  readonly zero: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

function nearestRow(
  x: Float32Array,
  row: number,
  len: number,
  p: ChannelParams,
  lo: number,
  hi: number,
  values: Float32Array,
  codes: Int32Array,
): void {
  const { inv, zero, scale } = p;
  for (let c = 0; c < len; c++) {
    const z = zero[c]!;
    let q = Math.fround(x[row + c]! * inv[c]!) + ROUND_MAGIC - ROUND_MAGIC + z;
    if (q < lo) q = lo;
    else if (q > hi) q = hi;
    codes[row + c] = q;
    values[row + c] = (q - z) * scale[c]!;
  }
}

function nearestRowRanges(
  x: Float32Array,
  row: number,
  len: number,
  p: ChannelParams,
  values: Float32Array,
  codes: Int32Array,
): void {
  const { inv, zero, scale, lo, hi } = p;
  for (let c = 0; c < len; c++) {
    const z = zero[c]!;
    let q = Math.fround(x[row + c]! * inv[c]!) + ROUND_MAGIC - ROUND_MAGIC + z;
    if (q < lo[c]!) q = lo[c]!;
    else if (q > hi[c]!) q = hi[c]!;
    codes[row + c] = q;
    values[row + c] = (q - z) * scale[c]!;
  }
}

/** Stochastic rounding: one draw per element, in index order (the seeded stream's contract). */
function stochasticLoop(
  x: Float32Array,
  qparams: readonly QParams[],
  random: Random,
  values: Float32Array,
  codes: Int32Array,
): void {
  const channels = qparams.length;
  for (let i = 0, c = 0; i < x.length; i++, c = c + 1 === channels ? 0 : c + 1) {
    const qp = qparams[c]!;
    const z = qp.zeroPoint;
    let q = roundStochastic(Math.fround(x[i]! * Math.fround(1 / qp.scale)), random) + z;
    if (q < qp.qmin) q = qp.qmin;
    else if (q > qp.qmax) q = qp.qmax;
    codes[i] = q;
    values[i] = (q - z) * qp.scale;
  }
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
  /** `minMaxPerChannel` of these very weights, when the caller has it (a trained kernel's). */
  ranges?: { readonly min: Float32Array; readonly max: Float32Array },
): QuantizedTensor {
  const channels = channelCount(weights.length, shape, config.perChannel);
  if (ranges && ranges.min.length !== channels)
    throw new RangeError(`quantizeUniform: ${ranges.min.length} ranges for ${channels} channels`);
  const grid = uniformGrid(ranges ?? minMaxPerChannel(weights, channels), shape, config);
  const { values, codes } = fakeQuantize(weights, grid.qparams, config);
  return { values, codes, ...grid.tensor };
}

/** A uniform quantizer's grid: its qparams, and the tensor's fields that describe it. */
export interface UniformGrid {
  readonly qparams: QParams[];
  readonly tensor: Omit<QuantizedTensor, 'values' | 'codes'>;
}

/** The grid {@link quantizeUniform} puts on weights whose per-channel ranges are `range`. */
export function uniformGrid(
  range: { readonly min: Float32Array; readonly max: Float32Array },
  shape: readonly number[],
  config: UniformQuantConfig,
): UniformGrid {
  const qparams: QParams[] = [];
  for (let c = 0; c < range.min.length; c++) {
    qparams.push(
      computeQParams(range.min[c]!, range.max[c]!, config.bits, config.scheme, config.symRange),
    );
  }
  const clips = qparams.map(clipRange);
  const first = qparams[0]!;
  return {
    qparams,
    tensor: {
      shape: [...shape],
      axis: channelAxis(shape, config.perChannel),
      scale: Float32Array.from(qparams, (qp) => qp.scale),
      zeroPoint: Int32Array.from(qparams, (qp) => qp.zeroPoint),
      qmin: first.qmin,
      qmax: first.qmax,
      clipMin: Float32Array.from(clips, (r) => r.min),
      clipMax: Float32Array.from(clips, (r) => r.max),
    },
  };
}
