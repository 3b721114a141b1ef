/** A histogram with equal-width bins over [min, max]. */
export interface Histogram {
  /** Left edge of the first bin. */
  readonly min: number;
  /** Right edge of the last bin. */
  readonly max: number;
  readonly binWidth: number;
  /** counts[i] = number of values in [min + i·w, min + (i+1)·w); the last bin is closed. */
  readonly counts: Uint32Array;
  /** Values that were NaN or fell outside [min, max] when the range was given explicitly. */
  readonly outside: number;
}

export interface HistogramOptions {
  bins: number;
  /** Range to bin over; defaults to the data's own min and max. */
  range?: { min: number; max: number };
}

/**
 * Bins `values` into `bins` equal-width bins. A constant tensor (min = max) gets a range of
 * ±0.5 around its value so the single spike is still drawn. O(n), no allocation per value.
 */
export function histogram(values: ArrayLike<number>, options: HistogramOptions): Histogram {
  const bins = Math.max(1, Math.floor(options.bins));
  let lo: number;
  let hi: number;
  if (options.range) {
    lo = options.range.min;
    hi = options.range.max;
  } else {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo === Infinity) {
      lo = 0;
      hi = 0;
    }
  }
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const binWidth = (hi - lo) / bins;
  const counts = new Uint32Array(bins);
  let outside = 0;
  const scale = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= lo && v <= hi)) {
      outside++;
      continue;
    }
    let b = Math.floor((v - lo) * scale);
    if (b >= bins) b = bins - 1;
    counts[b]!++;
  }
  return { min: lo, max: hi, binWidth, counts, outside };
}

/** Centre of bin `i`. */
export function binCenter(h: Histogram, i: number): number {
  return h.min + (i + 0.5) * h.binWidth;
}
