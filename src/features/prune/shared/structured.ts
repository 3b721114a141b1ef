/**
 * Structured pruning of whole output units (Dense) or filters (Conv2D), ranked by their norm —
 * torch `prune.ln_structured(module, 'weight', amount, n, dim=0)` (dim 0 is the output axis of
 * torch's `[out, in, ...]` weights; ours is the LAST axis), Distiller's
 * L1/L2RankedStructureParameterPruner, Li et al. 2017 "Pruning Filters for Efficient ConvNets".
 *
 *   norm_o = ( Σ_r |w(r, o)|^p )^(1/p),  p = 1 ('l1') or 2 ('l2'),
 *
 * over all incoming weights r of output o. The k = round(sparsity · out) channels of smallest
 * norm are pruned. Ties (equal norms): the LOWER channel index is pruned first (see
 * `pruneSmallest`), the rule of every pruner here. torch leaves ties to `torch.topk`, whose order
 * among equal values is unspecified: torch 1.13's ln_structured on all-equal norms pruned the
 * lowest channels for 4–20 outputs but e.g. channels {0, 11..19} of 40 at 25%, so no rule can
 * match it on ties. The parity fixture (scripts/fixtures/torch-prune.json) is drawn without
 * ties, and there our masks equal torch's bit for bit.
 *
 * The bias of a pruned unit, two rules (`StructuredBias`):
 * - 'remove' (default): the bias goes with the unit. A zeroed unit then outputs act(0) = 0 for
 *   ReLU/tanh (and max-pooling a zero map gives zeros), so the next layer's inputs from it carry
 *   nothing and are removed as well: the network physically shrinks (`structuredShapes`,
 *   `structuredKeptMask`). (For an activation with act(0) ≠ 0, e.g. sigmoid, the constant would
 *   have to be folded into the next layer's bias first.)
 * - 'keep': torch's ln_structured, which only masks the weight: the unit still outputs the
 *   constant act(b), which the next layer still reads, so the next layer's inputs from it are
 *   NOT removed. (When act(b) = 0, e.g. ReLU with b ≤ 0, those inputs happen to carry nothing;
 *   we do not rely on the bias values and count them as kept, as the network computes them.)
 */

import { kernelLayout } from './layout';
import { pruneCount, type Mask } from './mask';
import { pruneSmallest } from './select';

export type NormOrder = 'l1' | 'l2';

/** What happens to the bias of a pruned unit: see the module comment. */
export type StructuredBias = 'remove' | 'keep';

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
 * - With `bias` 'remove' (the default), its input axis (axis −2: `in` of Dense `[in, out]` and of
 *   Conv2D `[kh, kw, in, out]`) shrinks with the previous layer's outputs: Dense→Dense and
 *   Conv→Conv drop one input per pruned unit/filter. Conv→Flatten→Dense (channels-last flatten of
 *   `[h, w, C]`) drops (pruned filters) × (h·w spatial positions): an input of length p·C becomes
 *   p·kept. With 'keep' the pruned units still output the constant act(bias): the next layer
 *   keeps all its inputs.
 * Throws if an input length is not a multiple of the previous layer's output count.
 * Pruning the last layer's outputs would remove classes: callers normally skip it.
 */
export function structuredShapes(
  layers: readonly { readonly shape: readonly number[] }[],
  keptPerLayer: readonly (ArrayLike<number> | null | undefined)[],
  bias: StructuredBias = 'remove',
): number[][] {
  return layers.map((layer, i) => {
    const shape = [...layer.shape];
    const rank = shape.length;
    const kept = keptPerLayer[i];
    if (kept != null) shape[rank - 1] = kept.length;
    const prev = i > 0 ? layers[i - 1] : undefined;
    const prevKept = bias === 'remove' ? keptPerLayer[i - 1] : null;
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

/**
 * The weights of a layer that remain once structured pruning has removed units, as a mask over
 * its kernel (1 = still there): its own output unit is kept AND the input it reads is kept.
 * `own` is the layer's own structured mask (null = no own units removed); `prevKept` lists the
 * previous layer's kept output channels (null = none removed, or their biases kept: then the
 * removed units still output a constant and their inputs stay), out of `prevChannels`.
 *
 * The input channel of kernel element i (output fastest, `out` outputs, reduction index
 * r = ⌊i/out⌋): Dense `[in, out]` after a Dense → r; after Conv2D + Flatten (NHWC flatten of
 * `[h, w, C]`, channel fastest) → r mod C; Conv2D `[kh, kw, in, out]` → r mod in. All three are
 * r mod prevChannels. Returns null when nothing is removed. Throws if the reduction length is not
 * a multiple of `prevChannels` (the chain does not match).
 */
export function structuredKeptMask(
  length: number,
  outputs: number,
  own: ArrayLike<number> | null,
  prevKept: ArrayLike<number> | null,
  prevChannels: number,
): Mask | null {
  if (!own && !prevKept) return null;
  if (!(outputs > 0) || length % outputs !== 0)
    throw new RangeError(`${length} weights is not a multiple of ${outputs} outputs`);
  if (own && own.length !== length) throw new RangeError('mask and kernel differ in length');
  let inputKept: Uint8Array | null = null;
  if (prevKept) {
    const reduction = length / outputs;
    if (!(prevChannels > 0) || reduction % prevChannels !== 0) {
      throw new RangeError(
        `${reduction} inputs is not a multiple of the ${prevChannels} outputs before it`,
      );
    }
    inputKept = new Uint8Array(prevChannels);
    for (let j = 0; j < prevKept.length; j++) inputKept[prevKept[j]!] = 1;
  }
  const mask = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const keptOut = own ? own[i] !== 0 : true;
    const keptIn = inputKept ? inputKept[Math.floor(i / outputs) % prevChannels] !== 0 : true;
    mask[i] = keptOut && keptIn ? 1 : 0;
  }
  return mask;
}
