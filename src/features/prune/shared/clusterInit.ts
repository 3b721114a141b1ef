/**
 * Centroid initializations for 1-D k-means weight sharing (TFMOT `CentroidInitialization`;
 * Han et al. 2016 §3.2 compare Forgy, density-based and linear and find linear best, because it
 * keeps centroids on the rare large weights). All work on the ascending data `xs` and return
 * ascending, distinct centroids (so possibly fewer than k when the data has fewer distinct
 * values).
 */

import type { Random } from '../../../platform/shared/random';
import { lowerBound, upperBound } from './bisect';

export type CentroidInit = 'linear' | 'density' | 'kmeans++';

/** Removes repeats from an ascending list. */
function distinctAscending(c: number[]): Float64Array {
  const out: number[] = [];
  for (const v of c) if (out.length === 0 || v !== out[out.length - 1]) out.push(v);
  return Float64Array.from(out);
}

/** TFMOT 'LINEAR': k points evenly spaced over [min, max], ends included (tf.linspace). */
export function linearInit(xs: Float64Array, k: number): Float64Array {
  const min = xs[0]!;
  const max = xs[xs.length - 1]!;
  if (k === 1) return Float64Array.of(min);
  const c: number[] = [];
  for (let j = 0; j < k; j++) c.push(j === k - 1 ? max : min + ((max - min) * j) / (k - 1));
  return distinctAscending(c);
}

/**
 * TFMOT 'DENSITY_BASED' in spirit: centroids at evenly spaced quantiles of the weights,
 * the (j + ½)/k quantile for j = 0..k−1, so dense regions get more centroids.
 */
export function densityInit(xs: Float64Array, k: number): Float64Array {
  const c: number[] = [];
  for (let j = 0; j < k; j++)
    c.push(xs[Math.min(xs.length - 1, Math.floor(((j + 0.5) * xs.length) / k))]!);
  return distinctAscending(c);
}

const BLOCK = 256;

/**
 * k-means++ (Arthur & Vassilvitskii 2007): the first centroid uniformly at random among the
 * weights, each next one drawn with probability ∝ D(x)², the squared distance to the nearest
 * centroid chosen so far. Stops early when every weight coincides with a centroid. Seeded: one
 * draw per centroid.
 *
 * 1-D shortcuts: a new centroid c can only become the nearest one for the weights between its
 * neighbouring centroids, so only that run of the sorted data is updated; D² is summed per
 * block of 256 weights so that a draw scans block sums, then one block.
 */
export function kmeansPlusPlusInit(xs: Float64Array, k: number, random: Random): Float64Array {
  const n = xs.length;
  const blocks = Math.ceil(n / BLOCK);
  const d2 = new Float64Array(n);
  const blockSum = new Float64Array(blocks);
  const chosen: number[] = [xs[Math.floor(random() * n)]!];
  const update = (c: number, lo: number, hi: number, first: boolean): void => {
    for (let i = lo; i < hi; i++) {
      const d = xs[i]! - c;
      const dd = d * d;
      if (first || dd < d2[i]!) d2[i] = dd;
    }
    for (let b = Math.floor(lo / BLOCK); b * BLOCK < hi; b++) {
      let s = 0;
      for (let i = b * BLOCK, end = Math.min(n, i + BLOCK); i < end; i++) s += d2[i]!;
      blockSum[b] = s;
    }
  };
  update(chosen[0]!, 0, n, true);
  while (chosen.length < k) {
    let total = 0;
    for (let b = 0; b < blocks; b++) total += blockSum[b]!;
    if (!(total > 0)) break;
    let r = random() * total;
    let b = 0;
    while (b < blocks - 1 && r >= blockSum[b]!) r -= blockSum[b++]!;
    let pick = -1;
    let lastPositive = -1;
    for (let i = b * BLOCK, end = Math.min(n, i + BLOCK); i < end; i++) {
      if (d2[i]! > 0) lastPositive = i;
      r -= d2[i]!;
      if (r < 0) {
        pick = i;
        break;
      }
    }
    if (pick < 0 || d2[pick] === 0) {
      // Rounding walked past the block's last positive D²: take the last positive one.
      pick = lastPositive;
      for (let i = n - 1; pick < 0 && i >= 0; i--) if (d2[i]! > 0) pick = i;
    }
    const c = xs[pick]!;
    const at = upperBound(Float64Array.from(chosen), c);
    const left = at > 0 ? chosen[at - 1]! : -Infinity;
    const right = at < chosen.length ? chosen[at]! : Infinity;
    chosen.splice(at, 0, c);
    update(c, upperBound(xs, left), lowerBound(xs, right), false);
  }
  return distinctAscending(chosen);
}
