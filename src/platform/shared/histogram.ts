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

/** Every `rowStep`-th row of `rowLength` consecutive values (a kernel's rows: all its channels). */
export interface RowSample {
  readonly rowLength: number;
  readonly rowStep: number;
}

export interface HistogramOptions {
  bins: number;
  /** Range to bin over; defaults to the data's own min and max (of the sample, if sampled). */
  range?: { min: number; max: number };
  /** Bin only a sample of whole rows (see {@link sampleStep}); default: every value. */
  sample?: RowSample;
}

/** Above this many values the instant views bin a sample (the shipped models' largest layer: 235k). */
export const SAMPLE_ABOVE = 1 << 20;
/** …of about this many values. */
export const SAMPLE_SIZE = 1 << 18;

/**
 * 1 (every value) for up to {@link SAMPLE_ABOVE} values; else the row step that keeps about
 * {@link SAMPLE_SIZE} of them: a 2048×1152 kernel (2.4 M weights) is binned from every 9th row.
 */
export function sampleStep(count: number, rowLength: number): number {
  if (count <= SAMPLE_ABOVE || rowLength <= 0) return 1;
  const rows = Math.ceil(count / rowLength);
  return Math.max(1, Math.min(rows, Math.ceil(count / SAMPLE_SIZE)));
}

/**
 * Bins `values` into `bins` equal-width bins. A constant tensor (min = max) gets a range of
 * ±0.5 around its value so the single spike is still drawn. O(n), no allocation per value; with
 * `sample`, O(n / rowStep).
 */
export function histogram(values: ArrayLike<number>, options: HistogramOptions): Histogram {
  const n = values.length;
  const rowLength = options.sample ? Math.max(1, Math.floor(options.sample.rowLength)) : n;
  const rowStep = options.sample ? Math.max(1, Math.floor(options.sample.rowStep)) : 1;
  // Start of every row binned: one row (all values) unless sampled.
  const stride = rowLength * rowStep;
  let lo: number;
  let hi: number;
  if (options.range) {
    lo = options.range.min;
    hi = options.range.max;
  } else {
    lo = Infinity;
    hi = -Infinity;
    for (let r = 0; r < n; r += stride) {
      for (let i = r, end = Math.min(n, r + rowLength); i < end; i++) {
        const v = values[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (lo === Infinity) {
      lo = 0;
      hi = 0;
    }
  }
  const b = binsOver(options.bins, { min: lo, max: hi });
  const { lo: min, hi: max, scale } = b;
  const bins = b.n;
  const counts = new Uint32Array(bins);
  let outside = 0;
  for (let r = 0; r < n; r += stride) {
    for (let i = r, end = Math.min(n, r + rowLength); i < end; i++) {
      const v = values[i]!;
      if (!(v >= min && v <= max)) {
        outside++;
        continue;
      }
      let k = Math.floor((v - min) * scale);
      if (k >= bins) k = bins - 1;
      counts[k]!++;
    }
  }
  return { min, max, binWidth: (max - min) / bins, counts, outside };
}

/** The bins over a range, widened by ±0.5 when empty (a constant tensor's spike is still drawn). */
function binsOver(bins: number, range: { min: number; max: number }) {
  const n = Math.max(1, Math.floor(bins));
  let lo = range.min;
  let hi = range.max;
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  return { n, lo, hi, scale: n / (hi - lo) };
}

/**
 * The histogram of a multiset given as distinct values with their counts (e.g. the levels of a
 * quantized tensor and how many weights take each), over an explicit range: the same bins, bin
 * arithmetic and `outside` rule as {@link histogram} of the expanded values.
 */
export function histogramOfCounts(
  values: ArrayLike<number>,
  counts: ArrayLike<number>,
  bins: number,
  range: { min: number; max: number },
): Histogram {
  const { n, lo, hi, scale } = binsOver(bins, range);
  const out = new Uint32Array(n);
  let outside = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const k = counts[i]!;
    if (!(v >= lo && v <= hi)) {
      outside += k;
      continue;
    }
    let b = Math.floor((v - lo) * scale);
    if (b >= n) b = n - 1;
    out[b]! += k;
  }
  return { min: lo, max: hi, binWidth: (hi - lo) / n, counts: out, outside };
}

/**
 * {@link histogram} of values given sorted ascending (no NaN), over an explicit range, by
 * bisection: the bin of a value never decreases as the value grows, so each bin's first value is
 * found with the very bin arithmetic of `histogram`, in O(bins · log n) instead of O(n).
 */
export function histogramOfSorted(
  sorted: Float32Array,
  bins: number,
  range: { min: number; max: number },
): Histogram {
  const { n, lo, hi, scale } = binsOver(bins, range);
  const binOf = (v: number) => Math.min(n - 1, Math.floor((v - lo) * scale));
  // First index in [a, b) whose value passes `test` (false…false true…true).
  const first = (a: number, b: number, test: (v: number) => boolean) => {
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (test(sorted[mid]!)) b = mid;
      else a = mid + 1;
    }
    return a;
  };
  const start = first(0, sorted.length, (v) => v >= lo);
  const end = first(start, sorted.length, (v) => v > hi);
  const counts = new Uint32Array(n);
  let at = start;
  for (let k = 0; k < n; k++) {
    const next = k === n - 1 ? end : first(at, end, (v) => binOf(v) > k);
    counts[k] = next - at;
    at = next;
  }
  return {
    min: lo,
    max: hi,
    binWidth: (hi - lo) / n,
    counts,
    outside: start + sorted.length - end,
  };
}

/** Centre of bin `i`. */
export function binCenter(h: Histogram, i: number): number {
  return h.min + (i + 0.5) * h.binWidth;
}

/** A layer's histogram as the workers send it: the model, the layer, the bins (no `outside`). */
export function layerBins(modelId: string, layer: string, h: Histogram) {
  return { modelId, layer, min: h.min, max: h.max, binWidth: h.binWidth, counts: h.counts };
}
