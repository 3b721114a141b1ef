/**
 * A streaming histogram for activation calibration: bounded memory whatever the number of
 * batches, and exact merges when the range grows.
 *
 * Values are split by sign into two histograms of magnitudes over [0, R] with `bins` equal bins
 * each. R is set by the first non-zero batch to its largest magnitude; when a later value
 * exceeds R, R doubles and adjacent bin pairs merge (new[i] = old[2i] + old[2i+1]) — exact,
 * unlike the re-interpolation of torch's HistogramObserver. The resolution is therefore
 * R/bins ≤ 2·max|x|/bins.
 *
 * Exact zeros are counted apart, as a point mass at 0: after a ReLU they are often half of all
 * values, and spreading them over the first bin would bias low quantiles.
 */

export interface SignedBins {
  /** Left edge of the first bin. */
  readonly min: number;
  /** Right edge of the last bin. */
  readonly max: number;
  readonly binWidth: number;
  /**
   * counts[i] = number of values in bin i, [min + i·w, min + (i+1)·w). Bins are by magnitude,
   * so a negative value on an edge falls in the bin to its left; exact zeros are in the bin
   * that starts at 0.
   */
  readonly counts: Float64Array;
}

export class CalibrationHistogram {
  readonly bins: number;
  /** Counts of values > 0 by magnitude bin. */
  private pos: Float64Array;
  /** Counts of values < 0 by magnitude bin. */
  private neg: Float64Array;
  private zeros = 0;
  private r = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private n = 0;

  /** @param bins bins per sign, even (torch's HistogramObserver uses 2048 in total). */
  constructor(bins = 2048) {
    if (!Number.isInteger(bins) || bins < 2 || bins % 2 !== 0) {
      throw new RangeError(`bins must be an even integer ≥ 2, got ${bins}`);
    }
    this.bins = bins;
    this.pos = new Float64Array(bins);
    this.neg = new Float64Array(bins);
  }

  /** Number of finite values observed (NaN and ±∞ are skipped). */
  get count(): number {
    return this.n;
  }
  /** Smallest observed value (+∞ before any). */
  get min(): number {
    return this.lo;
  }
  /** Largest observed value (−∞ before any). */
  get max(): number {
    return this.hi;
  }
  /** The magnitude range [0, R] of each half. */
  get extent(): number {
    return this.r;
  }
  get binWidth(): number {
    return this.r / this.bins;
  }

  observe(values: Float32Array): void {
    let batchMax = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (Number.isFinite(v) && Math.abs(v) > batchMax) batchMax = Math.abs(v);
    }
    if (this.r === 0) this.r = batchMax;
    while (batchMax > this.r) this.grow();
    const toBin = this.r > 0 ? this.bins / this.r : 0;
    const last = this.bins - 1;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      const b = Math.min(last, Math.floor(Math.abs(v) * toBin));
      if (v < 0) this.neg[b]!++;
      else if (v > 0) this.pos[b]!++;
      else this.zeros++;
      if (v < this.lo) this.lo = v;
      if (v > this.hi) this.hi = v;
      this.n++;
    }
  }

  reset(): void {
    this.pos.fill(0);
    this.neg.fill(0);
    this.zeros = 0;
    this.r = 0;
    this.lo = Infinity;
    this.hi = -Infinity;
    this.n = 0;
  }

  private grow(): void {
    for (const h of [this.pos, this.neg]) {
      for (let i = 0; i < this.bins / 2; i++) h[i] = h[2 * i]! + h[2 * i + 1]!;
      h.fill(0, this.bins / 2);
    }
    this.r *= 2;
  }

  /**
   * Calls `visit(center, count)` for every non-empty bin, with the bin's signed center value,
   * and `visit(0, zeros)` for the exact zeros. This is what the MSE search integrates over.
   */
  forEachBin(visit: (center: number, count: number) => void): void {
    const w = this.binWidth;
    if (this.zeros > 0) visit(0, this.zeros);
    for (let i = 0; i < this.bins; i++) {
      const cn = this.neg[i]!;
      if (cn > 0) visit(-(i + 0.5) * w, cn);
      const cp = this.pos[i]!;
      if (cp > 0) visit((i + 0.5) * w, cp);
    }
  }

  /**
   * The q-quantile (q ∈ [0, 1]) of the observed values, interpolating linearly inside a bin and
   * clamped to the observed [min, max]. Values are ordered from the most negative bin up.
   */
  quantile(q: number): number {
    if (this.n === 0) return 0;
    const target = Math.min(Math.max(q, 0), 1) * this.n;
    const w = this.binWidth;
    let cum = 0;
    let result = this.hi;
    search: {
      for (let i = this.bins - 1; i >= 0; i--) {
        const c = this.neg[i]!;
        if (c > 0 && cum + c >= target) {
          result = -(i + 1) * w + ((target - cum) / c) * w;
          break search;
        }
        cum += c;
      }
      if (this.zeros > 0 && cum + this.zeros >= target) {
        result = 0;
        break search;
      }
      cum += this.zeros;
      for (let i = 0; i < this.bins; i++) {
        const c = this.pos[i]!;
        if (c > 0 && cum + c >= target) {
          result = i * w + ((target - cum) / c) * w;
          break search;
        }
        cum += c;
      }
    }
    return Math.min(Math.max(result, this.lo), this.hi);
  }

  /** The q-quantile of |x|, interpolated inside a bin, at most max |x| observed. */
  absQuantile(q: number): number {
    if (this.n === 0) return 0;
    const target = Math.min(Math.max(q, 0), 1) * this.n;
    const w = this.binWidth;
    const absMax = Math.max(-this.lo, this.hi);
    if (this.zeros >= target) return 0;
    let cum = this.zeros;
    for (let i = 0; i < this.bins; i++) {
      const c = this.pos[i]! + this.neg[i]!;
      if (c > 0 && cum + c >= target) return Math.min(i * w + ((target - cum) / c) * w, absMax);
      cum += c;
    }
    return absMax;
  }

  /**
   * The histogram as ready-to-draw signed bins of width R/bins, trimmed to the non-empty
   * extent (e.g. a ReLU activation shows only its non-negative side).
   */
  toBins(): SignedBins {
    const w = this.binWidth;
    if (this.n === 0) return { min: 0, max: 0, binWidth: 0, counts: new Float64Array(0) };
    // Signed index k ∈ [−bins, bins): bin [k·w, (k+1)·w). neg[i] is k = −i − 1, pos[i] is k = i.
    let kLo = this.bins;
    let kHi = -this.bins - 1;
    const pos = this.pos.slice();
    pos[0]! += this.zeros;
    for (let i = 0; i < this.bins; i++) {
      if (this.neg[i]! > 0) kLo = Math.min(kLo, -i - 1);
      if (pos[i]! > 0) kHi = Math.max(kHi, i);
      if (pos[i]! > 0) kLo = Math.min(kLo, i);
      if (this.neg[i]! > 0) kHi = Math.max(kHi, -i - 1);
    }
    const counts = new Float64Array(kHi - kLo + 1);
    for (let k = kLo; k <= kHi; k++) counts[k - kLo] = k < 0 ? this.neg[-k - 1]! : pos[k]!;
    return { min: kLo * w, max: (kHi + 1) * w, binWidth: w, counts };
  }
}
