/**
 * One entry point that prunes every weighted layer of a model by a spec, with per-layer
 * overrides, and reports the achieved sparsity of each layer and overall.
 *
 * Methods:
 * - 'magnitude': layer-wise L1 unstructured, each layer at its own (or the global) sparsity;
 * - 'global': one |w| threshold across all non-overridden layers; layers with their own
 *   sparsity are pruned layer-wise at it, skipped layers stay dense;
 * - 'structured': whole output units/filters by L1 or L2 norm, per layer (also returns the
 *   kept channels, the bias mask and the effective shapes of the chain, see structured.ts).
 *   With `structuredBias` 'remove' (default) a removed unit's bias goes too, so it outputs 0
 *   and the next layer's weights reading it are removed as well: they are part of that layer's
 *   mask and counts (`inputPruned`). With 'keep' (torch ln_structured) the unit still outputs
 *   the constant act(bias), so the next layer keeps those inputs;
 * - 'nm': N:M along the reduction axis (a `sparsity` override is meaningless here and ignored;
 *   `skip` leaves the layer dense);
 * - 'random': seeded random baseline; layer i (0-based, in the order given) uses the seed
 *   (seed + 0x9E3779B9·(i + 1)) mod 2^32, so layers get independent streams.
 * Biases are never pruned, except those of the units removed by 'structured' with
 * `structuredBias` 'remove'.
 *
 * Ties (equal |w|, equal norms): the lower index is pruned first, in every method (see
 * `pruneSmallest` in select.ts; N:M applies the same rule within each group of M).
 */

import { globalMagnitudeMasks, magnitudeMask } from './magnitude';
import { checkSparsity, countKept, type Mask } from './mask';
import { nmMask } from './nm';
import { randomMask } from './random';
import {
  structuredKeptMask,
  structuredMask,
  structuredShapes,
  type NormOrder,
  type StructuredBias,
} from './structured';

export type PruneMethod = 'magnitude' | 'global' | 'structured' | 'nm' | 'random';

export interface PrunableLayer {
  readonly name: string;
  /** Kernel in our layout: Dense `[in, out]`, Conv2D `[kh, kw, in, out]`. */
  readonly kernel: Float32Array;
  readonly shape: readonly number[];
  /** Keras class name, e.g. 'Dense' or 'Conv2D'. */
  readonly className: string;
}

export interface LayerOverride {
  /** Leave this layer dense. */
  readonly skip?: boolean;
  /** This layer's own target sparsity. */
  readonly sparsity?: number;
}

export interface PruneSpec {
  readonly method: PruneMethod;
  /** Target sparsity in [0, 1] (ignored by 'nm'). */
  readonly sparsity: number;
  /** Ranking norm for 'structured' (default 'l2'). */
  readonly norm?: NormOrder;
  /** 'structured': remove the pruned units' biases too (default), or keep them as torch does. */
  readonly structuredBias?: StructuredBias;
  /** N and M for 'nm' (default 2:4). */
  readonly n?: number;
  readonly m?: number;
  readonly overrides?: Readonly<Record<string, LayerOverride>>;
  /** Seed for 'random' (default 0). */
  readonly seed?: number;
}

export interface LayerPruneResult {
  readonly name: string;
  /**
   * The weights removed (0): the method's own choice, and for 'structured' with biases removed
   * also the inputs from the previous layer's removed units.
   */
  readonly mask: Mask;
  /** Bias mask for 'structured' with biases removed; null = biases untouched. */
  readonly biasMask: Mask | null;
  /** Target sparsity of this layer (nominal 1 − N/M for 'nm'; the global target for 'global'). */
  readonly targetSparsity: number;
  /** Removed weights / weights: `pruned / total`, everything that is really gone. */
  readonly sparsity: number;
  /** Removed weights: `ownPruned + inputPruned`. */
  readonly pruned: number;
  readonly total: number;
  /** Weights the method removed in this layer itself (for 'structured': its own removed units). */
  readonly ownPruned: number;
  /**
   * 'structured' with biases removed: further weights removed because the input they read comes
   * from a unit removed in the previous layer (those already in `ownPruned` are not counted
   * again). 0 otherwise.
   */
  readonly inputPruned: number;
  /** No pruning of its own (the method's mask keeps everything); inputs may still be cut. */
  readonly skipped: boolean;
  /** 'structured' only: kept output channels. */
  readonly keptChannels?: Int32Array;
  /**
   * 'structured' with biases kept: the removed units, which still output the constant
   * act(bias). 0 otherwise.
   */
  readonly constantUnits?: number;
}

export interface PruneResult {
  readonly layers: LayerPruneResult[];
  /** Overall achieved sparsity over all kernels: removed weights (own + cut inputs) / weights. */
  readonly sparsity: number;
  readonly pruned: number;
  readonly total: number;
  /**
   * 'structured' only: effective kernel shapes once pruned units (and, with biases removed, their
   * inputs in the next layer) are removed.
   */
  readonly effectiveShapes?: number[][];
}

const STRUCTURED_CLASSES = new Set(['Dense', 'Conv2D']);

/** Output channels: the last axis of the kernel. */
function outputsOf(layer: PrunableLayer): number {
  return layer.shape[layer.shape.length - 1] ?? 1;
}

function layerSeed(seed: number, i: number): number {
  return (seed + Math.imul(0x9e3779b9, i + 1)) >>> 0;
}

/** Prunes every layer by `spec`; see the module comment for the methods. */
export function pruneModel(layers: readonly PrunableLayer[], spec: PruneSpec): PruneResult {
  checkSparsity(spec.sparsity);
  const overrides = spec.overrides ?? {};
  const own = layers.map((l) => {
    const o = Object.prototype.hasOwnProperty.call(overrides, l.name)
      ? overrides[l.name]
      : undefined;
    if (o?.sparsity !== undefined) checkSparsity(o.sparsity, `sparsity of ${l.name}`);
    return o;
  });
  const masks: (Mask | null)[] = layers.map(() => null);
  const biasMasks: (Mask | null)[] = layers.map(() => null);
  const targets: number[] = layers.map(() => 0);
  const kept: (Int32Array | null)[] = layers.map(() => null);

  if (spec.method === 'global') {
    const shared = layers.flatMap((l, i) =>
      own[i]?.skip || own[i]?.sparsity !== undefined ? [] : [i],
    );
    const sharedMasks = globalMagnitudeMasks(
      shared.map((i) => layers[i]!.kernel),
      spec.sparsity,
    );
    shared.forEach((i, j) => {
      masks[i] = sharedMasks[j]!;
      targets[i] = spec.sparsity; // the global target: the layer's own share varies
    });
  }
  layers.forEach((layer, i) => {
    if (masks[i] || own[i]?.skip) return;
    const s = own[i]?.sparsity ?? spec.sparsity;
    targets[i] = s;
    switch (spec.method) {
      case 'magnitude':
      case 'global':
        masks[i] = magnitudeMask(layer.kernel, s);
        break;
      case 'random':
        masks[i] = randomMask(layer.kernel.length, s, layerSeed(spec.seed ?? 0, i));
        break;
      case 'structured': {
        if (!STRUCTURED_CLASSES.has(layer.className)) {
          throw new RangeError(
            `structured pruning supports Dense and Conv2D, not ${layer.className}`,
          );
        }
        const r = structuredMask(layer.kernel, layer.shape, s, spec.norm ?? 'l2');
        masks[i] = r.mask;
        biasMasks[i] = r.biasMask;
        kept[i] = r.kept;
        break;
      }
      case 'nm': {
        if (!STRUCTURED_CLASSES.has(layer.className)) {
          throw new RangeError(`N:M pruning supports Dense and Conv2D, not ${layer.className}`);
        }
        const n = spec.n ?? 2;
        const m = spec.m ?? 4;
        masks[i] = nmMask(layer.kernel, layer.shape, n, m);
        targets[i] = 1 - n / m;
        break;
      }
    }
  });

  // Structured with biases removed: a removed unit outputs 0, so the weights of the next layer
  // that read it are gone too (the layer shrinks along its input axis). With biases kept the unit
  // still outputs act(bias), a constant the next layer reads: its inputs stay.
  const bias: StructuredBias = spec.structuredBias ?? 'remove';
  const cutInputs = spec.method === 'structured' && bias === 'remove';

  let pruned = 0;
  let total = 0;
  const results = layers.map((layer, i): LayerPruneResult => {
    const skipped = masks[i] === null;
    const n = layer.kernel.length;
    const ownMask = masks[i] ?? null;
    const ownPruned = ownMask ? n - countKept(ownMask) : 0;
    const prevKept = cutInputs && i > 0 ? kept[i - 1] : null;
    const prevOutputs = i > 0 ? outputsOf(layers[i - 1]!) : 0;
    const cut =
      prevKept && prevKept.length < prevOutputs
        ? structuredKeptMask(n, outputsOf(layer), ownMask, prevKept, prevOutputs)
        : null;
    const mask = cut ?? ownMask ?? new Uint8Array(n).fill(1);
    const p = cut ? n - countKept(cut) : ownPruned;
    pruned += p;
    total += n;
    const keptHere = kept[i];
    return {
      name: layer.name,
      mask,
      biasMask: bias === 'remove' ? (biasMasks[i] ?? null) : null,
      targetSparsity: skipped ? 0 : targets[i]!,
      sparsity: n === 0 ? 0 : p / n,
      pruned: p,
      total: n,
      ownPruned,
      inputPruned: p - ownPruned,
      skipped,
      ...(keptHere ? { keptChannels: keptHere } : {}),
      ...(keptHere && bias === 'keep' ? { constantUnits: outputsOf(layer) - keptHere.length } : {}),
    };
  });
  return {
    layers: results,
    sparsity: total === 0 ? 0 : pruned / total,
    pruned,
    total,
    ...(spec.method === 'structured'
      ? { effectiveShapes: structuredShapes(layers, kept, bias) }
      : {}),
  };
}
