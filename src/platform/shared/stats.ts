/** Summary statistics of a weight tensor, as shown in the per-layer table. */
export interface TensorStats {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Population standard deviation √(Σ(x−μ)²/n). */
  readonly std: number;
  /** Mean absolute value, the α of binary quantization. */
  readonly absMean: number;
  /** Number of exact zeros (sparsity = zeros / count). */
  readonly zeros: number;
}

/**
 * One pass, Welford's update for the variance (stable where Σx² − nμ² would cancel).
 * An empty tensor gives zeros everywhere rather than NaN.
 */
export function tensorStats(values: ArrayLike<number>): TensorStats {
  const n = values.length;
  if (n === 0) return { count: 0, min: 0, max: 0, mean: 0, std: 0, absMean: 0, zeros: 0 };
  let min = Infinity;
  let max = -Infinity;
  let mean = 0;
  let m2 = 0;
  let absSum = 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    const d = v - mean;
    mean += d / (i + 1);
    m2 += d * (v - mean);
    absSum += Math.abs(v);
    if (v === 0) zeros++;
  }
  return { count: n, min, max, mean, std: Math.sqrt(m2 / n), absMean: absSum / n, zeros };
}

/** Product of a shape's dimensions (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
