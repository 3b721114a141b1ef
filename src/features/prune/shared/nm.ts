/**
 * N:M semi-structured sparsity (NVIDIA Ampere 2:4; Mishra et al. 2021, "Accelerating Sparse
 * Deep Neural Networks"; apex ASP): in every group of M consecutive weights along the REDUCTION
 * axis of each output, keep the N of largest |w|. Sparsity = 1 − N/M.
 *
 * Grouping, on the `[R, out]` view of layout.ts, for a fixed output o: rows r in
 * [g·M, (g + 1)·M).
 * - Dense `[in, out]`: M consecutive inputs i.
 * - Conv2D `[kh, kw, in, out]`: M consecutive entries of the flattened (kh, kw, in) reduction
 *   dimension, `in` fastest. When `in` is a multiple of M this is exactly ASP's grouping along
 *   the input channels at each filter tap; otherwise (e.g. a first conv with in = 1) groups run
 *   across taps.
 * Partial last group (R not a multiple of M, length L < M): it keeps min(N, L) weights, which
 * is what hardware sees after zero-padding the group to M (the padding zeros are never
 * preferred over real weights). So 4:8 on R = 300 keeps the trailing group of 4 whole, and the
 * achieved sparsity can be a little below 1 − N/M.
 * Ties: among equal |w| the LOWER row is pruned first (the higher one kept), the rule of every
 * pruner here (see `pruneSmallest`). NaN ranks above every number.
 */

import { kernelLayout } from './layout';
import type { Mask } from './mask';
import { magnitudeKeys } from './select';

/** Throws unless N and M are integers with 1 ≤ M and 0 ≤ N ≤ M. */
export function checkNM(n: number, m: number): void {
  if (!(Number.isInteger(n) && Number.isInteger(m) && m >= 1 && n >= 0 && n <= m)) {
    throw new RangeError(`N:M needs integers 0 ≤ N ≤ M, M ≥ 1; got ${n}:${m}`);
  }
}

/** The mask keeping the N largest |w| of every M along the reduction axis of each output. */
export function nmMask(kernel: Float32Array, shape: readonly number[], n: number, m: number): Mask {
  checkNM(n, m);
  const { outputs, reduction } = kernelLayout(kernel.length, shape);
  const keys = magnitudeKeys(kernel);
  const mask = new Uint8Array(kernel.length);
  const group = new Uint32Array(m);
  for (let start = 0; start < reduction; start += m) {
    const len = Math.min(m, reduction - start);
    const keep = Math.min(n, len);
    if (keep === 0) continue;
    for (let o = 0; o < outputs; o++) {
      const base = start * outputs + o;
      for (let j = 0; j < len; j++) group[j] = keys[base + j * outputs]!;
      // rank_j = #{l : key_l > key_j, or key_l = key_j and l > j}; keep rank_j < N, so among
      // equal keys the higher row ranks first and the lower is pruned first. O(M²).
      for (let j = 0; j < len; j++) {
        const kj = group[j]!;
        let rank = 0;
        for (let l = 0; l < j; l++) if (group[l]! > kj) rank++;
        for (let l = j + 1; l < len; l++) if (group[l]! >= kj) rank++;
        if (rank < keep) mask[base + j * outputs] = 1;
      }
    }
  }
  return mask;
}

/** The nominal sparsity of N:M, 1 − N/M (the achieved one can be lower: see the partial group). */
export function nmSparsity(n: number, m: number): number {
  checkNM(n, m);
  return 1 - n / m;
}
