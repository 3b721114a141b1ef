/**
 * The figures of a uniformly quantized tensor without quantizing every value: how many values
 * take each code, the distinct levels, the error statistics, and the (value, count) pairs a
 * histogram of the quantized values needs.
 *
 * With nearest rounding a value's code is a non-decreasing function of the value (a product by a
 * positive constant, rounding and a clamp are each monotone). So once a channel's values are
 * sorted, each code used is one run of neighbours, and a run's ends are found by galloping and
 * bisection with the very formula of {@link fakeQuantize} (`code` below): a few evaluations per
 * code instead of one per value, and nothing written per value. The runs then give:
 *
 * - the count of each code, exactly;
 * - the largest error |x − x̂|, exactly (on a sorted run it is largest at one of its ends);
 * - the clipped count, exactly (bisection on the same thresholds as {@link errorStats});
 * - the squared error, one multiply-add per value in sorted order: the same terms as
 *   errorStats adds in index order, so MSE and SQNR agree within float64 rounding, not bit for
 *   bit.
 *
 * The instant views of every layer on such a grid use this at every slider step (a 2.4 M-weight
 * layer took ~50 ms to quantize, check and count, this a few ms; the MNIST MLP's three layers
 * 12–26 ms, this 1–3 ms); the sorted copy is made once per kernel. Values that are NaN are not
 * handled: callers check {@link SortedChannels.hasNaN}.
 */

import { errorStatsFrom } from './sqnr';
import type { QuantErrorStats } from './sqnr';
import type { QParams } from './qparams';
import { distinctLevels } from './sqnr';

/** 1.5 · 2^52, as in affine.ts: v + ROUND_MAGIC − ROUND_MAGIC rounds half to even. */
const ROUND_MAGIC = 6755399441055744;

const DIGIT = 11;
const RADIX = 1 << DIGIT;

/** A kernel's values sorted within each channel (channel c = index mod channels). */
export interface SortedChannels {
  readonly channels: number;
  /** Values per channel. */
  readonly rows: number;
  /** Channel c's values, ascending, at [c·rows, (c + 1)·rows). */
  readonly sorted: Float32Array;
  /** Σ x² over every value (the SQNR's signal), summed in sorted order. */
  readonly signal: number;
  readonly hasNaN: boolean;
}

/**
 * Sorts each channel of `x` (length a multiple of `channels`), ascending, −0 before +0: an LSD
 * radix sort on the float32 bit patterns (three passes of 11 bits: 2.4 M values in 70–110 ms in
 * Node 20 on this project's 2-core machine, against 250–290 ms for the typed array's sort),
 * grouping the values by channel on the way out. Once per kernel and channel count. A kernel
 * with NaN is not sorted (`hasNaN`, `sorted` empty).
 */
export function sortChannels(x: Float32Array, channels: number): SortedChannels {
  if (!(channels >= 1 && x.length % channels === 0)) {
    throw new RangeError(`${x.length} values do not split into ${channels} channels`);
  }
  const n = x.length;
  const rows = n / channels;
  if (hasNaN(x)) return { channels, rows, sorted: new Float32Array(0), signal: NaN, hasNaN: true };
  // Each loop below is a small function of its own: called once per kernel, a loop over a
  // kernel's values runs in the interpreter until V8 has optimized the function that holds it,
  // and a small function is optimized sooner (the MNIST MLP's first layer: 88 ms to sort in one
  // function on a fresh start in Node 20, 33–45 ms split).
  let keys = sortKeys(x);
  let chan: Uint32Array<ArrayBuffer> | null = channels > 1 ? channelOfEach(rows, channels) : null;
  let keys2 = new Uint32Array(n);
  let chan2: Uint32Array<ArrayBuffer> | null = chan ? new Uint32Array(n) : null;
  const count = new Uint32Array(RADIX);
  for (let shift = 0; shift < 32; shift += DIGIT) {
    countDigits(keys, shift, count);
    if (count[(keys[0]! >>> shift) & (RADIX - 1)] === n) continue; // every key shares this digit
    for (let b = 0, at = 0; b < RADIX; b++) {
      const k = count[b]!;
      count[b] = at;
      at += k;
    }
    if (chan && chan2) scatterWithChannels(keys, keys2, chan, chan2, shift, count);
    else scatter(keys, keys2, shift, count);
    [keys, keys2] = [keys2, keys];
    [chan, chan2] = [chan2, chan];
  }
  const sorted = valuesOfKeys(keys, chan, rows, channels);
  return { channels, rows, sorted, signal: sumOfSquares(sorted), hasNaN: false };
}

function hasNaN(x: Float32Array): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] !== x[i]) return true;
  return false;
}

/**
 * Keys whose unsigned order is the values' order: negative values' bits inverted, positive
 * values' sign bit set.
 */
function sortKeys(x: Float32Array): Uint32Array<ArrayBuffer> {
  const n = x.length;
  const raw = new Uint32Array(x.buffer, x.byteOffset, n);
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const b = raw[i]!;
    keys[i] = b >>> 31 ? ~b : b | 0x80000000;
  }
  return keys;
}

/** The channel of each value of a row-major [rows, channels] tensor: it travels with its key. */
function channelOfEach(rows: number, channels: number): Uint32Array<ArrayBuffer> {
  const chan = new Uint32Array(rows * channels);
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < channels; c++) chan[i++] = c;
  return chan;
}

function countDigits(keys: Uint32Array, shift: number, count: Uint32Array): void {
  count.fill(0);
  for (let i = 0; i < keys.length; i++) count[(keys[i]! >>> shift) & (RADIX - 1)]!++;
}

/** One stable pass: each key to its digit's next free place (`count`: the digits' starts). */
function scatter(keys: Uint32Array, to: Uint32Array, shift: number, count: Uint32Array): void {
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    to[count[(k >>> shift) & (RADIX - 1)]!++] = k;
  }
}

function scatterWithChannels(
  keys: Uint32Array,
  to: Uint32Array,
  chan: Uint32Array,
  chanTo: Uint32Array,
  shift: number,
  count: Uint32Array,
): void {
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const at = count[(k >>> shift) & (RADIX - 1)]!++;
    to[at] = k;
    chanTo[at] = chan[i]!;
  }
}

/** The sorted keys back to values, grouped by channel (each channel's stay in order). */
function valuesOfKeys(
  keys: Uint32Array,
  chan: Uint32Array | null,
  rows: number,
  channels: number,
): Float32Array {
  const n = keys.length;
  const sorted = new Float32Array(n);
  const out = new Uint32Array(sorted.buffer);
  const next = new Uint32Array(channels);
  for (let c = 0; c < channels; c++) next[c] = c * rows;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    out[chan ? next[chan[i]!]!++ : i] = k >>> 31 ? k ^ 0x80000000 : ~k;
  }
  return sorted;
}

function sumOfSquares(sorted: Float32Array): number {
  let signal = 0;
  for (let i = 0; i < sorted.length; i++) signal += sorted[i]! * sorted[i]!;
  return signal;
}

export interface UniformSummary {
  /** Values per code, over every channel: entry k counts code qmin + k. */
  readonly codeCounts: Float64Array;
  /** One entry per (channel, code) used: its dequantized value and how many values take it. */
  readonly runValues: Float32Array;
  readonly runCounts: Float64Array;
  /** Distinct dequantized values (−0 and +0 as one). */
  readonly levels: number;
  readonly error: Omit<QuantErrorStats, 'levels'>;
}

/**
 * The summary of fake-quantizing the values of `s` with `qparams` (one per channel, all with the
 * same qmin and qmax), nearest rounding. `clipMin`/`clipMax`, per channel, are the thresholds
 * beyond which a value counts as clipped, exactly as passed to errorStats.
 */
export function uniformSummary(
  s: SortedChannels,
  qparams: readonly QParams[],
  clipMin: ArrayLike<number>,
  clipMax: ArrayLike<number>,
): UniformSummary {
  const { channels, rows, sorted } = s;
  if (s.hasNaN) throw new RangeError('uniformSummary does not handle NaN values');
  if (qparams.length !== channels) throw new RangeError('one set of qparams per channel');
  const qmin = qparams[0]!.qmin;
  const qmax = qparams[0]!.qmax;
  if (qparams.some((qp) => qp.qmin !== qmin || qp.qmax !== qmax))
    throw new RangeError('every channel needs the same code range');
  const codeCounts = new Float64Array(qmax - qmin + 1);
  // At most one run per (channel, code), and at most one per value.
  const capacity = Math.min(sorted.length, channels * (qmax - qmin + 1));
  const runValues = new Float32Array(capacity);
  const runCounts = new Float64Array(capacity);
  let runs = 0;
  let noise = 0;
  let maxErr = 0;
  let clipped = 0;
  // Galloping pays when runs are long (per tensor, or few bits); with a channel's values spread
  // over most of 256 codes (8-bit per-channel grids: runs of 3–10) it costs more evaluations than
  // stepping through the values.
  const walk = rows < 16 * (qmax - qmin + 1);
  for (let c = 0; c < channels; c++) {
    const qp = qparams[c]!;
    const inv = Math.fround(1 / qp.scale);
    const z = qp.zeroPoint;
    // The rounding is one module function (codeOf) for every channel; `code` only binds this
    // channel's grid to it. Written as a closure per channel, the rounding's optimized code, which
    // had inlined one channel's closure, was thrown away at the next (V8's "wrong call target").
    const code = (v: number): number => codeOf(v, inv, z, qmin, qmax);
    const start = c * rows;
    const end = start + rows;
    clipped +=
      countBelow(sorted, start, end, clipMin[c]!) +
      (rows - countAtMost(sorted, start, end, clipMax[c]!));
    let i = start;
    while (i < end) {
      const q = code(sorted[i]!);
      let last = i;
      if (walk) {
        // Short runs: the next value's code, one by one.
        while (last + 1 < end && code(sorted[last + 1]!) === q) last++;
      } else {
        // The run's last index: gallop while the code holds, then bisect the last step.
        let step = 1;
        while (last + step < end && code(sorted[last + step]!) === q) {
          last += step;
          step *= 2;
        }
        let hi = Math.min(last + step, end); // first index known (or assumed at end) to differ
        while (hi - last > 1) {
          const mid = (last + hi) >>> 1;
          if (code(sorted[mid]!) === q) last = mid;
          else hi = mid;
        }
      }
      const value = Math.fround((q - z) * qp.scale);
      noise += squaredError(sorted, i, last, value);
      const a = Math.max(Math.abs(sorted[i]! - value), Math.abs(sorted[last]! - value));
      if (a > maxErr) maxErr = a;
      const n = last - i + 1;
      codeCounts[q - qmin]! += n;
      runValues[runs] = value;
      runCounts[runs++] = n;
      i = last + 1;
    }
  }
  const values = runValues.slice(0, runs);
  return {
    codeCounts,
    runValues: values,
    runCounts: runCounts.slice(0, runs),
    levels: distinctLevels(values),
    error: errorStatsFrom(s.signal, noise, maxErr, clipped, sorted.length),
  };
}

/** The code of `v` on a grid (1 / scale, zero-point, code range), nearest rounding, as the quantizer's. */
function codeOf(v: number, inv: number, z: number, qmin: number, qmax: number): number {
  const q = Math.fround(v * inv) + ROUND_MAGIC - ROUND_MAGIC + z;
  return q < qmin ? qmin : q > qmax ? qmax : q;
}

/**
 * Σ (sorted[k] − value)² over k in [from, to]. A small function of its own: called once per run,
 * it is optimized within a slider step's first summary, where the same loop inside
 * uniformSummary waited in the interpreter for the whole function's optimization (the MNIST
 * MLP's first layer: the first three summaries 10–15 ms each in Node 20, now 1–7 ms, then ~1 ms).
 */
function squaredError(sorted: Float32Array, from: number, to: number, value: number): number {
  let sum = 0;
  for (let k = from; k <= to; k++) {
    const d = sorted[k]! - value;
    sum += d * d;
  }
  return sum;
}

/** Values in sorted[start, end) below t. */
function countBelow(sorted: Float32Array, start: number, end: number, t: number): number {
  let lo = start;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo - start;
}

/** Values in sorted[start, end) at most t. */
function countAtMost(sorted: Float32Array, start: number, end: number, t: number): number {
  let lo = start;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - start;
}
