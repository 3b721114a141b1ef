/**
 * Error metrics between a tensor x and its quantized copy x̂ (sums in float64).
 *
 *   MSE  = (1/n) Σ (x − x̂)²
 *   SQNR = 10 · log10(Σ x² / Σ (x − x̂)²) dB   (+∞ when x̂ = x; ≈ 6.02·b + c for b-bit uniform)
 */

function checkLengths(x: ArrayLike<number>, xq: ArrayLike<number>): void {
  if (x.length !== xq.length) {
    throw new RangeError(`length mismatch: ${x.length} vs ${xq.length}`);
  }
}

/** Mean squared error; 0 for empty tensors. */
export function mse(x: ArrayLike<number>, xq: ArrayLike<number>): number {
  checkLengths(x, xq);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i]! - xq[i]!) ** 2;
  return x.length === 0 ? 0 : sum / x.length;
}

/**
 * Signal-to-quantization-noise ratio in dB: +∞ when the error is 0 (including an all-zero
 * tensor), −∞ when the signal is 0 but the error is not.
 */
export function sqnrDb(x: ArrayLike<number>, xq: ArrayLike<number>): number {
  checkLengths(x, xq);
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < x.length; i++) {
    signal += x[i]! ** 2;
    noise += (x[i]! - xq[i]!) ** 2;
  }
  if (noise === 0) return Infinity;
  return 10 * Math.log10(signal / noise);
}

/** max |x − x̂|; 0 for empty tensors. */
export function maxAbsError(x: ArrayLike<number>, xq: ArrayLike<number>): number {
  checkLengths(x, xq);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - xq[i]!));
  return m;
}

/**
 * Number of values outside their channel's clip range [clipMin[c], clipMax[c]], channel of
 * index i = i mod clipMin.length (one entry = per-tensor; see channels.ts).
 */
export function countClipped(
  x: ArrayLike<number>,
  clipMin: ArrayLike<number>,
  clipMax: ArrayLike<number>,
): number {
  const channels = clipMin.length;
  if (channels === 0 || clipMax.length !== channels) {
    throw new RangeError('clipMin and clipMax need the same, non-zero length');
  }
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const c = i % channels;
    if (x[i]! < clipMin[c]! || x[i]! > clipMax[c]!) n++;
  }
  return n;
}

/** Number of distinct values (−0 and +0 count as one; NaN as one). */
export function distinctLevels(values: ArrayLike<number>): number {
  const seen = new Set<number>();
  for (let i = 0; i < values.length; i++) seen.add(values[i]!);
  return seen.size;
}

/** Number of distinct values in each channel (channel of index i = i mod channels). */
export function distinctLevelsPerChannel(values: ArrayLike<number>, channels: number): Int32Array {
  const sets = Array.from({ length: channels }, () => new Set<number>());
  for (let i = 0; i < values.length; i++) sets[i % channels]!.add(values[i]!);
  return Int32Array.from(sets, (s) => s.size);
}

export interface QuantErrorStats {
  readonly mse: number;
  readonly sqnrDb: number;
  readonly maxAbsError: number;
  /** Values outside the clip range (0 when no range is given). */
  readonly clipped: number;
  /** Distinct values of x̂. */
  readonly levels: number;
}

/** All the metrics above in one object, for the UI. */
export function quantErrorStats(
  x: ArrayLike<number>,
  xq: ArrayLike<number>,
  clip?: { readonly clipMin: ArrayLike<number>; readonly clipMax: ArrayLike<number> },
): QuantErrorStats {
  return {
    mse: mse(x, xq),
    sqnrDb: sqnrDb(x, xq),
    maxAbsError: maxAbsError(x, xq),
    clipped: clip ? countClipped(x, clip.clipMin, clip.clipMax) : 0,
    levels: distinctLevels(xq),
  };
}
