/**
 * Observers: streaming estimators of an activation's quantization range, named after their
 * `torch.ao.quantization` counterparts. Feed them batches with `observe(values)`, then read
 * `range()` and pass it to `computeQParams`. Non-finite values are skipped (torch would
 * propagate NaN). Before any observation `range()` is {min: 0, max: 0}.
 */

import { fakeQuantize } from './affine';
import { CalibrationHistogram, type SignedBins } from './calibrationHistogram';
import { computeQParams, type QScheme, type SymRange } from './qparams';

export interface Range {
  readonly min: number;
  readonly max: number;
}

export type ObserverConfig =
  | { readonly kind: 'minmax' }
  | {
      readonly kind: 'movingAverageMinMax';
      /** c in min ← min + c·(batchMin − min); torch's default 0.01. */
      readonly averagingConstant?: number;
    }
  | {
      readonly kind: 'percentile';
      /** e.g. 99.9 or 99.99 (in percent). */
      readonly percentile: number;
      /**
       * `'abs'` (default): c = the percentile of |x|, range [−c, c] ∩ [min, max] — symmetric,
       * fits symmetric quantization. `'tails'`: each tail on its own, range
       * [quantile(1 − p), quantile(p)] of x — fits affine and one-sided (ReLU) activations.
       */
      readonly mode?: 'abs' | 'tails';
      /** Bins per sign of the streaming histogram (default 2048). */
      readonly bins?: number;
    }
  | {
      readonly kind: 'mse';
      /** The quantizer the range is chosen for: the search minimizes its error. */
      readonly bits: number;
      readonly scheme: QScheme;
      /** Signed range of symmetric quantization; default `'restricted'`. */
      readonly symRange?: SymRange;
      /** Number of candidate clip ratios α/G, α = 1..G (default 100). */
      readonly gridSize?: number;
      readonly bins?: number;
    };

export type ObserverKind = ObserverConfig['kind'];

export interface Observer {
  readonly kind: ObserverKind;
  /** Number of finite values observed so far. */
  readonly count: number;
  observe(values: Float32Array): void;
  range(): Range;
  reset(): void;
}

const EMPTY: Range = { min: 0, max: 0 };

/**
 * Batch min and max over finite values; {+∞, −∞} if none. Indexed loops here and in the other
 * observers: V8 ran `for…of` over a Float32Array about six times slower (Node 20, 2.5 M values:
 * 57–60 ms against 10).
 */
function finiteMinMax(values: Float32Array): { min: number; max: number; n: number } {
  let min = Infinity;
  let max = -Infinity;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    n++;
  }
  return { min, max, n };
}

/** torch `MinMaxObserver`: the running min and max of everything observed. */
export class MinMaxObserver implements Observer {
  readonly kind = 'minmax';
  private n = 0;
  private lo = Infinity;
  private hi = -Infinity;

  get count(): number {
    return this.n;
  }
  observe(values: Float32Array): void {
    const b = finiteMinMax(values);
    this.lo = Math.min(this.lo, b.min);
    this.hi = Math.max(this.hi, b.max);
    this.n += b.n;
  }
  range(): Range {
    return this.n === 0 ? EMPTY : { min: this.lo, max: this.hi };
  }
  reset(): void {
    this.lo = Infinity;
    this.hi = -Infinity;
    this.n = 0;
  }
}

/**
 * torch `MovingAverageMinMaxObserver`: the first batch sets [min, max]; each later batch moves
 * them toward its own extremes, min ← min + c·(batchMin − min) (likewise max), in float32 as
 * torch does. Less sensitive to one outlier batch than MinMax; depends on batch order.
 */
export class MovingAverageMinMaxObserver implements Observer {
  readonly kind = 'movingAverageMinMax';
  readonly averagingConstant: number;
  private n = 0;
  private lo = 0;
  private hi = 0;

  constructor(averagingConstant = 0.01) {
    if (!(averagingConstant > 0 && averagingConstant <= 1)) {
      throw new RangeError(`averagingConstant must be in (0, 1], got ${averagingConstant}`);
    }
    this.averagingConstant = averagingConstant;
  }

  get count(): number {
    return this.n;
  }
  observe(values: Float32Array): void {
    const b = finiteMinMax(values);
    if (b.n === 0) return;
    const f = Math.fround;
    const c = f(this.averagingConstant);
    if (this.n === 0) {
      this.lo = b.min;
      this.hi = b.max;
    } else {
      this.lo = f(this.lo + f(c * f(b.min - this.lo)));
      this.hi = f(this.hi + f(c * f(b.max - this.hi)));
    }
    this.n += b.n;
  }
  range(): Range {
    return this.n === 0 ? EMPTY : { min: this.lo, max: this.hi };
  }
  reset(): void {
    this.lo = 0;
    this.hi = 0;
    this.n = 0;
  }
}

/** Clips the outer (100 − p)% of the values, from a streaming histogram (see its resolution). */
export class PercentileObserver implements Observer {
  readonly kind = 'percentile';
  readonly percentile: number;
  readonly mode: 'abs' | 'tails';
  readonly histogram: CalibrationHistogram;

  constructor(percentile: number, mode: 'abs' | 'tails' = 'abs', bins?: number) {
    if (!(percentile > 0 && percentile <= 100)) {
      throw new RangeError(`percentile must be in (0, 100], got ${percentile}`);
    }
    this.percentile = percentile;
    this.mode = mode;
    this.histogram = new CalibrationHistogram(bins);
  }

  get count(): number {
    return this.histogram.count;
  }
  observe(values: Float32Array): void {
    this.histogram.observe(values);
  }
  range(): Range {
    const h = this.histogram;
    if (h.count === 0) return EMPTY;
    const p = this.percentile / 100;
    if (this.mode === 'tails') return { min: h.quantile(1 - p), max: h.quantile(p) };
    const c = h.absQuantile(p);
    return { min: Math.max(h.min, -c), max: Math.min(h.max, c) };
  }
  reset(): void {
    this.histogram.reset();
  }
}

/**
 * Picks the clipping range that minimizes the mean squared quantization error of the observed
 * distribution, in the spirit of torch's HistogramObserver and TensorRT's calibrators.
 *
 * Candidates are the observed range shrunk by α = k/G, k = 1..G: [α·min, α·max]. For each, the
 * error Σ count·(v − x̂(v))² is summed over histogram bin centers v, with x̂ the very fake-quant
 * the range will be used with (qparams from {@link computeQParams}). Ties keep the widest range.
 * The bin-center approximation is good while bins are much narrower than the scale (2048 bins
 * per sign vs at most 2^8 levels).
 */
export class MseObserver implements Observer {
  readonly kind = 'mse';
  readonly bits: number;
  readonly scheme: QScheme;
  readonly symRange: SymRange;
  readonly gridSize: number;
  readonly histogram: CalibrationHistogram;

  constructor(
    bits: number,
    scheme: QScheme,
    gridSize = 100,
    bins?: number,
    symRange: SymRange = 'restricted',
  ) {
    computeQParams(0, 1, bits, scheme, symRange); // validates bits
    if (!Number.isInteger(gridSize) || gridSize < 1) {
      throw new RangeError(`gridSize must be a positive integer, got ${gridSize}`);
    }
    this.bits = bits;
    this.scheme = scheme;
    this.symRange = symRange;
    this.gridSize = gridSize;
    this.histogram = new CalibrationHistogram(bins);
  }

  get count(): number {
    return this.histogram.count;
  }
  observe(values: Float32Array): void {
    this.histogram.observe(values);
  }

  /**
   * The mean squared error of each candidate range [α·min, α·max], α = k/G from 1 down to 1/G:
   * the curve the search minimizes (worth plotting: it shows the clipping/rounding trade-off).
   */
  errorCurve(): { ratio: number; range: Range; mse: number }[] {
    const h = this.histogram;
    if (h.count === 0) return [];
    const centers: number[] = [];
    const counts: number[] = [];
    h.forEachBin((v, n) => {
      centers.push(v);
      counts.push(n);
    });
    const x = Float32Array.from(centers);
    const curve: { ratio: number; range: Range; mse: number }[] = [];
    for (let k = this.gridSize; k >= 1; k--) {
      const ratio = k / this.gridSize;
      const range = { min: ratio * h.min, max: ratio * h.max };
      const { values } = fakeQuantize(x, [
        computeQParams(range.min, range.max, this.bits, this.scheme, this.symRange),
      ]);
      let sse = 0;
      for (let i = 0; i < x.length; i++) sse += counts[i]! * (x[i]! - values[i]!) ** 2;
      curve.push({ ratio, range, mse: sse / h.count });
    }
    return curve;
  }

  range(): Range {
    let best: { range: Range; mse: number } | undefined;
    for (const point of this.errorCurve()) if (!best || point.mse < best.mse) best = point;
    return best ? best.range : EMPTY;
  }
  reset(): void {
    this.histogram.reset();
  }
}

/** Builds an observer from a plain (URL- and worker-safe) config. */
export function createObserver(config: ObserverConfig): Observer {
  switch (config.kind) {
    case 'minmax':
      return new MinMaxObserver();
    case 'movingAverageMinMax':
      return new MovingAverageMinMaxObserver(config.averagingConstant);
    case 'percentile':
      return new PercentileObserver(config.percentile, config.mode, config.bins);
    case 'mse':
      return new MseObserver(
        config.bits,
        config.scheme,
        config.gridSize,
        config.bins,
        config.symRange,
      );
  }
}

/** A ready-to-draw histogram of what a histogram-based observer has seen. */
export function observedBins(observer: PercentileObserver | MseObserver): SignedBins {
  return observer.histogram.toBins();
}

/** One-shot helper: the histogram of a set of activations, as signed bins. */
export function activationHistogram(values: Float32Array, bins = 2048): SignedBins {
  const h = new CalibrationHistogram(bins);
  h.observe(values);
  return h.toBins();
}
