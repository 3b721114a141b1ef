/**
 * Structured pruning of whole output units (Dense) or filters (Conv2D), ranked by their norm —
 * torch `prune.ln_structured(module, 'weight', amount, n, dim=0)` (dim 0 is the output axis of
 * torch's `[out, in, ...]` weights; ours is the LAST axis), Distiller's
 * L1/L2RankedStructureParameterPruner, Li et al. 2017 "Pruning Filters for Efficient ConvNets".
 *
 *   norm_o = ( Σ_r |w(r, o)|^p )^(1/p),  p = 1 ('l1') or 2 ('l2'),
 *
 * over all incoming weights r of output o. The k = round(sparsity · out) channels of smallest
 * norm are pruned (ties: lower channel index first); their bias is pruned too.
 *
 * A zeroed unit outputs act(0) = 0 for ReLU/tanh, so the next layer's inputs from it can be
 * removed as well and the network physically shrinks (see `structuredShapes`). (For an
 * activation with act(0) ≠ 0, e.g. sigmoid, the constant would have to be folded into the next
 * layer's bias first.)
 */

import { kernelLayout } from './layout';
import { pruneCount, type Mask } from './mask';
import { pruneSmallest } from './select';

export type NormOrder = 'l1' | 'l2';

/** L1 or L2 norm of each output channel's incoming weights (float64; NaN counts as +∞). */
export function channelNorms(
  kernel: Float32Array,
  shape: readonly number[],
  norm: NormOrder,
): Float64Array {
  const { outputs } = kernelLayout(kernel.length, shape);
  const acc = new Float64Array(outputs);
  for (let i = 0; i < kernel.length; i++) {
    const w = kernel[i]!;
    const a = Number.isNaN(w) ? Infinity : Math.abs(w);
    acc[i % outputs]! += norm === 'l1' ? a : a * a;
  }
  if (norm === 'l2') for (let o = 0; o < outputs; o++) acc[o] = Math.sqrt(acc[o]!);
  return acc;
}

export interface StructuredPruneResult {
  /** Kernel mask: whole output columns (Dense) / filters (Conv2D) are 0 or 1. */
  readonly mask: Mask;
  /** Bias mask, one entry per output channel: 0 for the pruned channels. */
  readonly biasMask: Mask;
  /** Indices of the kept output channels, ascending. */
  readonly kept: Int32Array;
  /** Indices of the pruned output channels, ascending. */
  readonly pruned: Int32Array;
  /** The ranking norm of every output channel. */
  readonly norms: Float64Array;
  /** The layer's shape once the pruned channels are removed: last axis = kept.length. */
  readonly prunedShape: number[];
}

/** Prunes round(sparsity · out) whole output channels of smallest L1/L2 norm. */
export function structuredMask(
  kernel: Float32Array,
  shape: readonly number[],
  sparsity: number,
  norm: NormOrder = 'l2',
): StructuredPruneResult {
  const { outputs } = kernelLayout(kernel.length, shape);
  const norms = channelNorms(kernel, shape, norm);
  const biasMask = pruneSmallest(norms, pruneCount(sparsity, outputs));
  const mask = new Uint8Array(kernel.length);
  for (let i = 0; i < kernel.length; i++) mask[i] = biasMask[i % outputs]!;
  const kept: number[] = [];
  const pruned: number[] = [];
  for (let o = 0; o < outputs; o++) (biasMask[o] ? kept : pruned).push(o);
  const prunedShape = [...shape];
  prunedShape[shape.length - 1] = kept.length;
  return {
    mask,
    biasMask,
    kept: Int32Array.from(kept),
    pruned: Int32Array.from(pruned),
    norms,
    prunedShape,
  };
}

/**
 * Effective kernel shapes of a chain of layers after structured pruning, where layer i feeds
 * layer i + 1 (possibly through pooling and a Flatten). `keptPerLayer[i]` lists the output
 * channels kept in layer i, or null if it was not pruned.
 *
 * - Its own output axis (last) shrinks to the kept count.
 * - Its input axis (axis −2: `in` of Dense `[in, out]` and of Conv2D `[kh, kw, in, out]`)
 *   shrinks with the previous layer's outputs: Dense→Dense and Conv→Conv drop one input per
 *   pruned unit/filter. Conv→Flatten→Dense (channels-last flatten of `[h, w, C]`) drops
 *   (pruned filters) × (h·w spatial positions): an input of length p·C becomes p·kept.
 * Throws if an input length is not a multiple of the previous layer's output count.
 * Pruning the last layer's outputs would remove classes: callers normally skip it.
 */
export function structuredShapes(
  layers: readonly { readonly shape: readonly number[] }[],
  keptPerLayer: readonly (ArrayLike<number> | null | undefined)[],
): number[][] {
  return layers.map((layer, i) => {
    const shape = [...layer.shape];
    const rank = shape.length;
    const kept = keptPerLayer[i];
    if (kept != null) shape[rank - 1] = kept.length;
    const prev = i > 0 ? layers[i - 1] : undefined;
    const prevKept = keptPerLayer[i - 1];
    if (prev && prevKept != null && rank >= 2) {
      const prevOut = prev.shape[prev.shape.length - 1]!;
      const inputs = shape[rank - 2]!;
      if (prevOut === 0 || inputs % prevOut !== 0) {
        throw new RangeError(
          `layer ${i}: ${inputs} inputs is not a multiple of the ${prevOut} outputs before it`,
        );
      }
      shape[rank - 2] = (inputs / prevOut) * prevKept.length;
    }
    return shape;
  });
}
