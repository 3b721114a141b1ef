import * as tf from '@tensorflow/tfjs';
import type { Prune } from '../../../platform/shared/config';
import { ClusterSchema, WeightQuantSchema } from '../../../platform/shared/config';
import type { Mask } from '../../prune';
import type { LayerWeights } from '../../model';
import { compressModel } from '../../compress';
import type { Net } from './net';

/**
 * Pruning masks during training. They come from the pruning lab's own pipeline
 * (src/features/compress/shared/compress.ts `compressModel` → src/features/prune/shared `pruneModel`: every method, per-layer
 * overrides, structured pruning's bias rule and its cut inputs) run on the current weights, and
 * are enforced after every optimizer update, w ← w ⊙ m, so that pruned weights stay exactly 0
 * (TFMOT's `prune_low_magnitude` and torch.nn.utils.prune do the same; the optimizer's moments of
 * pruned weights keep running, as there).
 */

export interface LayerMasks {
  readonly kernel: Mask | null;
  readonly bias: Mask | null;
}

export interface PrunedMasks {
  readonly layers: LayerMasks[];
  /** Removed weights / weights over all kernels (cut inputs included). */
  readonly sparsity: number;
}

const FLOAT_WEIGHTS = { ...WeightQuantSchema.parse({}), format: 'float32' as const };
const NO_CLUSTER = ClusterSchema.parse({});

/** Masks of `prune` for the net's current weights (`base` describes the layers, by name). */
export async function pruneMasks(
  net: Net,
  base: readonly LayerWeights[],
  prune: Prune,
  seed: number,
): Promise<PrunedMasks> {
  const current: LayerWeights[] = [];
  for (const p of net.params) {
    const info = base.find((b) => b.info.name === p.name)?.info;
    if (!info) throw new Error(`No layer ${p.name} in the base model.`);
    current.push({ info, kernel: (await p.kernel.data()) as Float32Array, bias: null });
  }
  const c = compressModel(current, {
    weights: FLOAT_WEIGHTS,
    overrides: {},
    seed,
    prune,
    cluster: NO_CLUSTER,
  });
  return {
    layers: c.layers.map((l) => ({ kernel: l.mask, bias: l.biasMask })),
    sparsity: c.prune?.sparsity ?? 0,
  };
}

/** Masks that keep a sparse model sparse: 0 where the kernel is exactly 0 (null if none is). */
export function zeroMasks(kernels: readonly Float32Array[]): LayerMasks[] {
  return kernels.map((k) => {
    if (!k.includes(0)) return { kernel: null, bias: null };
    return { kernel: Uint8Array.from(k, (v) => (v === 0 ? 0 : 1)), bias: null };
  });
}

/** The masks as float 0/1 tensors, ready to multiply the variables by. The caller disposes. */
export class MaskTensors {
  private tensors: (tf.Tensor | null)[] = [];

  constructor(private readonly net: Net) {}

  /** Replaces the masks in force (null = none). */
  set(masks: readonly LayerMasks[] | null): void {
    this.dispose();
    if (!masks) return;
    this.tensors = this.net.params.flatMap((p, i) => {
      const m = masks[i];
      const k = m?.kernel ? tf.tensor(Float32Array.from(m.kernel), [...p.kernelShape]) : null;
      const b = m?.bias && p.bias ? tf.tensor1d(Float32Array.from(m.bias)) : null;
      return [k, b];
    });
  }

  get active(): boolean {
    return this.tensors.some((t) => t !== null);
  }

  /** w ← w ⊙ m for every masked kernel and bias. */
  apply(): void {
    if (!this.active) return;
    tf.tidy(() => {
      this.net.params.forEach((p, i) => {
        const k = this.tensors[2 * i];
        const b = this.tensors[2 * i + 1];
        if (k) p.kernel.assign(tf.mul(p.kernel, k));
        if (b && p.bias) p.bias.assign(tf.mul(p.bias, b));
      });
    });
  }

  dispose(): void {
    tf.dispose(this.tensors.filter((t): t is tf.Tensor => t !== null));
    this.tensors = [];
  }
}
