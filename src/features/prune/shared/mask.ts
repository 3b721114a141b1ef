/**
 * Pruning masks and the arithmetic of "how many to prune".
 *
 * A mask is a `Uint8Array` as long as the kernel: 1 = kept, 0 = pruned. Pruning a weight means
 * w ← w · mask (the masked weight is exactly 0), as in torch.nn.utils.prune's `weight_orig ·
 * weight_mask` and TFMOT's `pruning_vars`.
 */

import { roundHalfEven } from '../../quantize';
import { touchedFloat32 } from '../../../platform/shared/touchedArrays';

export type Mask = Uint8Array;

/** Throws unless 0 ≤ sparsity ≤ 1 (NaN included). */
export function checkSparsity(sparsity: number, what = 'sparsity'): void {
  if (!(sparsity >= 0 && sparsity <= 1)) {
    throw new RangeError(`${what} must be in [0, 1], got ${sparsity}`);
  }
}

/**
 * Number of weights to prune out of `n` at a given sparsity (torch's `amount`):
 * round(sparsity · n), with Python's round — half to EVEN — as in torch.nn.utils.prune
 * `_compute_nparams_toprune`. So 0.5 of 5 weights prunes 2 (2.5 → 2), 0.5 of 7 prunes 4.
 * The product is taken in float64, as Python does.
 */
export function pruneCount(sparsity: number, n: number): number {
  checkSparsity(sparsity);
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`n must be a non-negative integer, got ${n}`);
  return roundHalfEven(sparsity * n);
}

/** Number of kept entries (mask value ≠ 0). */
export function countKept(mask: ArrayLike<number>): number {
  let kept = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) kept++;
  return kept;
}

/** Achieved sparsity: pruned / total (0 for an empty mask). */
export function maskSparsity(mask: ArrayLike<number>): number {
  return mask.length === 0 ? 0 : 1 - countKept(mask) / mask.length;
}

/** w · mask, as a new array (pruned entries become +0). */
export function applyMask(weights: Float32Array, mask: ArrayLike<number>): Float32Array {
  if (mask.length !== weights.length) throw new RangeError('mask and weights differ in length');
  const out = touchedFloat32(weights.length);
  for (let i = 0; i < weights.length; i++) out[i] = mask[i] !== 0 ? weights[i]! : 0;
  return out;
}

/**
 * The intersection of two masks (kept only where both keep), as torch's PruningContainer
 * combines an old and a new mask when a parameter is pruned twice.
 */
export function intersectMasks(a: ArrayLike<number>, b: ArrayLike<number>): Mask {
  if (a.length !== b.length) throw new RangeError('masks differ in length');
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] !== 0 && b[i] !== 0 ? 1 : 0;
  return out;
}
