/**
 * Unstructured magnitude (L1) pruning, layer-wise and global.
 *
 * Layer-wise (torch `prune.l1_unstructured`, TFMOT `prune_low_magnitude`): in a tensor of n
 * weights, the k = round(sparsity · n) weights of smallest |w| get mask 0.
 * Global (torch `prune.global_unstructured(..., pruning_method=L1Unstructured)`): one threshold
 * for all layers together, k = round(sparsity · N_total) of N_total; each layer ends up with
 * its own sparsity, small-magnitude layers losing more.
 *
 * Ties at the threshold: lower index pruned first (for global, index in the concatenation of
 * the layers in the order given; see `pruneSmallest` for how torch differs on ties). NaN is
 * ranked above every number (never pruned first).
 *
 * Note: re-pruning weights that are already masked ranks their zeros first, so the sparsity is
 * always relative to the whole tensor (TFMOT/Distiller style). torch instead applies `amount`
 * to the still-unpruned weights when a parameter is pruned a second time.
 * TFMOT also differs on ties: it keeps every weight ≥ the threshold, so its count can fall short.
 */

import { pruneCount, type Mask } from './mask';
import { magnitudeKeys, pruneSmallest } from './select';

/** Mask pruning exactly round(sparsity · n) weights of smallest |w| (ties: lower index first). */
export function magnitudeMask(weights: Float32Array, sparsity: number): Mask {
  return pruneSmallest(magnitudeKeys(weights), pruneCount(sparsity, weights.length));
}

/**
 * One mask per layer, pruning exactly round(sparsity · N) of all N weights by a single |w|
 * threshold across the layers.
 */
export function globalMagnitudeMasks(layers: readonly Float32Array[], sparsity: number): Mask[] {
  let total = 0;
  for (const w of layers) total += w.length;
  const count = pruneCount(sparsity, total);
  const keys = new Uint32Array(total);
  let offset = 0;
  for (const w of layers) {
    keys.set(magnitudeKeys(w), offset);
    offset += w.length;
  }
  const mask = pruneSmallest(keys, count);
  const masks: Mask[] = [];
  offset = 0;
  for (const w of layers) {
    masks.push(mask.slice(offset, offset + w.length));
    offset += w.length;
  }
  return masks;
}
