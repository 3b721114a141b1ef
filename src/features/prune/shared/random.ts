/**
 * Random pruning, the baseline every magnitude criterion should beat (torch
 * `prune.random_unstructured`): exactly k = round(sparsity · n) weights, chosen uniformly
 * without replacement by a partial Fisher–Yates shuffle driven by the seeded mulberry32 stream
 * (one draw per pruned weight), so a seed always gives the same mask in Node, a worker and the
 * page.
 */

import { mulberry32 } from '../../../platform/shared/random';
import { pruneCount, type Mask } from './mask';

/** A mask of length n with exactly round(sparsity · n) zeros at seeded random positions. */
export function randomMask(n: number, sparsity: number, seed: number): Mask {
  const k = pruneCount(sparsity, n);
  const random = mulberry32(seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const mask = new Uint8Array(n).fill(1);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (n - i)); // uniform in [i, n)
    const picked = order[j]!;
    order[j] = order[i]!;
    order[i] = picked;
    mask[picked] = 0;
  }
  return mask;
}
