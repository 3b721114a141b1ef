/**
 * Weight clustering: k-means weight sharing (Han et al. 2016 §3, "Deep Compression"; TFMOT
 * `cluster_weights`). The weights W are replaced by k shared values c_1 < … < c_k minimizing
 *
 *   Σ_i (w_i − c_{a(i)})²,   a(i) = argmin_j |w_i − c_j|,
 *
 * so each weight is stored as a ⌈log2 k⌉-bit index a(i) plus a k-entry float32 codebook.
 *
 * Algorithm: 1-D Lloyd iterations on the sorted weights. In one dimension each cluster is a
 * contiguous run of the sorted data, bounded by the midpoints between consecutive centroids, so
 * an iteration costs k binary searches plus prefix-sum lookups — O(k log n), after an O(n)
 * radix sort; the final assignment walks the runs, O(n). Stops when no centroid moves more
 * than tol · (max − min), or after maxIter.
 *
 * Sparsity-preserving (TFMOT `preserve_sparsity`): weights with mask 0 — and, when
 * preserveSparsity is on (the default), exact zeros — are not clustered: they stay exactly 0
 * and take no part in fitting the centroids. No zero centroid is needed for them: the sparse
 * format (bitmask or relative indices, see sparseSize.ts) already says which weights are 0.
 *
 * Empty clusters are dropped (an empty cluster in 1-D Lloyd lies between its neighbours and
 * stays out of the way), as are duplicates after rounding centroids to float32: the result may
 * have k' < k centroids, never more than k. A weight exactly halfway between two centroids goes
 * to the lower one.
 */

import { mulberry32 } from '../../../platform/shared/random';
import { argsortFloat32 } from './argsort';
import { upperBound } from './bisect';
import { densityInit, kmeansPlusPlusInit, linearInit, type CentroidInit } from './clusterInit';

export const MAX_CLUSTERS = 65536;

export interface KMeansOptions {
  /** Centroid initialization (default 'kmeans++', as recent TFMOT `cluster_weights`). */
  readonly init?: CentroidInit;
  /** Seed of the kmeans++ draws (ignored by the deterministic inits). */
  readonly seed?: number;
  /** Maximum Lloyd iterations (default 50). */
  readonly maxIter?: number;
  /** Convergence: largest centroid move ≤ tol · (max − min) (default 1e−6). */
  readonly tol?: number;
  /** 1 = clustered, 0 = pruned (stays exactly 0). */
  readonly mask?: ArrayLike<number>;
  /** Also treat exact zeros as pruned (default true). */
  readonly preserveSparsity?: boolean;
}

export interface ClusterResult {
  /** The shared values, ascending float32; k' ≤ k of them. */
  readonly centroids: Float32Array;
  /** Centroid index per weight (Uint8Array for k ≤ 256); 0 where the weight is not clustered. */
  readonly assignments: Uint8Array | Uint16Array;
  /** The clustered weights: centroids[assignments[i]], or exactly 0 where not clustered. */
  readonly values: Float32Array;
  /** Weights per centroid: the histogram of the codes, e.g. for Huffman coding. */
  readonly counts: Uint32Array;
  /** 1 where the weight was clustered, 0 where it was kept at 0. */
  readonly clustered: Uint8Array;
  /** Lloyd iterations run. */
  readonly iterations: number;
  /** Mean squared error over the clustered weights (0 if none). */
  readonly mse: number;
}

/** Lloyd iterations in place on ascending centroids c; returns the iterations run. */
function lloyd(xs: Float64Array, c: Float64Array, maxIter: number, tol: number): number {
  const n = xs.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + xs[i]!;
  const k = c.length;
  const eps = tol * (xs[n - 1]! - xs[0]!);
  for (let iter = 1; iter <= maxIter; iter++) {
    let moved = 0;
    let start = 0;
    const next = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const end = j === k - 1 ? n : upperBound(xs, (c[j]! + c[j + 1]!) / 2, start, n);
      next[j] = end > start ? (prefix[end]! - prefix[start]!) / (end - start) : c[j]!;
      moved = Math.max(moved, Math.abs(next[j]! - c[j]!));
      start = end;
    }
    c.set(next);
    if (moved <= eps) return iter;
  }
  return maxIter;
}

/** k-means weight sharing of `weights` into at most k float32 values. */
export function kmeansCluster(
  weights: Float32Array,
  k: number,
  options: KMeansOptions = {},
): ClusterResult {
  if (!Number.isInteger(k) || k < 1 || k > MAX_CLUSTERS) {
    throw new RangeError(`k must be an integer in [1, ${MAX_CLUSTERS}], got ${k}`);
  }
  const { init = 'kmeans++', seed = 0, maxIter = 50, tol = 1e-6, mask } = options;
  const preserveSparsity = options.preserveSparsity ?? true;
  if (mask && mask.length !== weights.length) {
    throw new RangeError('mask and weights differ in length');
  }
  const n = weights.length;
  const clustered = new Uint8Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!Number.isFinite(w)) throw new RangeError('kmeansCluster needs finite weights');
    const keep = (!mask || mask[i] !== 0) && !(preserveSparsity && w === 0);
    clustered[i] = keep ? 1 : 0;
    if (keep) m++;
  }
  const picked = new Float32Array(m);
  const index = new Uint32Array(m);
  for (let i = 0, j = 0; i < n; i++) {
    if (clustered[i]) {
      picked[j] = weights[i]!;
      index[j++] = i;
    }
  }
  const order = argsortFloat32(picked);
  const xs = new Float64Array(m); // the clustered weights, ascending
  for (let p = 0; p < m; p++) xs[p] = picked[order[p]!]!;

  let iterations = 0;
  let c: Float64Array = new Float64Array(0);
  if (m > 0) {
    c =
      init === 'linear'
        ? linearInit(xs, k)
        : init === 'density'
          ? densityInit(xs, k)
          : kmeansPlusPlusInit(xs, k, mulberry32(seed));
    iterations = lloyd(xs, c, maxIter, tol);
  }

  // The float32 codebook, ascending and distinct. Each entry's weights are a run of xs ending
  // at the midpoint with the next entry (a weight on the midpoint goes to the lower one);
  // entries whose run is empty are dropped.
  const rounded = Float32Array.from(c).sort();
  const distinct = rounded.filter((v, j) => j === 0 || v !== rounded[j - 1]);
  const codebook: number[] = [];
  const runEnds: number[] = [];
  let from = 0;
  for (let j = 0; j < distinct.length; j++) {
    const v = distinct[j]!;
    const end = j === distinct.length - 1 ? m : upperBound(xs, (v + distinct[j + 1]!) / 2, from, m);
    if (end > from) {
      codebook.push(v);
      runEnds.push(end);
    }
    from = end;
  }

  const centroids = Float32Array.from(codebook);
  const counts = new Uint32Array(centroids.length);
  const assignments = k <= 256 ? new Uint8Array(n) : new Uint16Array(n);
  const values = new Float32Array(n);
  let sse = 0;
  let p = 0;
  for (let a = 0; a < centroids.length; a++) {
    const v = centroids[a]!;
    const end = runEnds[a]!;
    counts[a] = end - p;
    for (; p < end; p++) {
      const i = index[order[p]!]!;
      assignments[i] = a;
      values[i] = v;
      const e = xs[p]! - v;
      sse += e * e;
    }
  }
  return {
    centroids,
    assignments,
    values,
    counts,
    clustered,
    iterations,
    mse: m > 0 ? sse / m : 0,
  };
}
