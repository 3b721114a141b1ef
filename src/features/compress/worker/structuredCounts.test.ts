import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { compressSettings } from '../shared/pipeline';
import { applyMask } from '../../prune';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import { applyKernels } from '../../../platform/worker/assets';
import { compressModel } from '../shared/compress';
import { compressionReport, maskImage } from '../shared/inspect';

/**
 * Structured pruning on the shipped models: the counts the pruning lab shows (kept / weights,
 * sparsity per layer and overall, the mask image) are the weights really gone, and they are gone
 * because the network computes exactly the same without them.
 */
let mlp: LoadedModel;
let cnn: LoadedModel;
let d: LoadedDataset;

beforeAll(async () => {
  await tf.setBackend('wasm');
  mlp = await loadShippedModel('mnist', 'mlp');
  cnn = await loadShippedModel('mnist', 'cnn');
  d = loadShippedDataset('mnist');
});

afterAll(() => {
  mlp.model.dispose();
  cnn.model.dispose();
  d.testX.dispose();
});

const structured = (sparsity: number, structuredBias: 'remove' | 'keep' = 'remove') =>
  compressSettings({
    ...DEFAULT_CONFIG,
    weights: { ...DEFAULT_CONFIG.weights, format: 'float32' },
    prune: { ...DEFAULT_CONFIG.prune, method: 'structured', sparsity, structuredBias },
  } satisfies Config);

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

describe('structured pruning counts on the shipped models', () => {
  it('mnist-mlp at 50%, biases removed: 784×150, 150×50, 50×10 kept, 52.8% overall', () => {
    const r = compressionReport(mlp, structured(0.5), DEFAULT_CONFIG.storage);
    const kept = r.layers.map((l) => l.total - l.pruned);
    expect(kept).toEqual([784 * 150, 150 * 50, 50 * 10]);
    expect(r.layers.map((l) => l.total)).toEqual([784 * 300, 300 * 100, 100 * 10]);
    // fc2: its own 50 units (300 · 50 weights) and, of the 50 kept, the 150 rows of fc1's
    // removed units (150 · 50).
    expect(r.layers[1]).toMatchObject({ ownPruned: 300 * 50, inputPruned: 150 * 50 });
    expect(r.layers[1]!.sparsity).toBe(0.75);
    // fc3, the output layer, is not pruned itself but loses the rows of fc2's removed units.
    expect(r.layers[2]).toMatchObject({ skipped: true, ownPruned: 0, inputPruned: 50 * 10 });
    expect(r.layers[2]!.sparsity).toBe(0.5);
    const total = 784 * 300 + 300 * 100 + 100 * 10;
    const left = 784 * 150 + 150 * 50 + 50 * 10;
    expect(r.pruned).toBe(total - left);
    expect(r.sparsity).toBe((total - left) / total);
    expect((r.sparsity * 100).toFixed(1)).toBe('52.8');
    // The size accounting stores exactly these weights (float32, plus the kept biases).
    expect(r.size.totalBits).toBe(32 * (left + 150 + 50 + 10));
    // The mask image of fc2 shows the same count.
    const img = maskImage(mlp, structured(0.5), 'fc2');
    expect(img.kept).toBe(150 * 50);
    expect(img.total).toBe(300 * 100);
  });

  it('mnist-mlp at 50%, biases kept (torch): the next layers keep their inputs', () => {
    const r = compressionReport(mlp, structured(0.5, 'keep'), DEFAULT_CONFIG.storage);
    expect(r.layers.map((l) => l.total - l.pruned)).toEqual([784 * 150, 300 * 50, 100 * 10]);
    expect(r.layers.map((l) => l.inputPruned)).toEqual([0, 0, 0]);
    expect(r.layers.map((l) => l.constantUnits)).toEqual([150, 50, 0]);
    expect(r.pruned).toBe(784 * 150 + 300 * 50);
    // Kept columns, plus every bias: the removed units still output ReLU(bias).
    expect(r.size.totalBits).toBe(32 * (784 * 150 + 300 + 300 * 50 + 100 + 100 * 10 + 10));
    expect(maskImage(mlp, structured(0.5, 'keep'), 'fc2').kept).toBe(300 * 50);
  });

  it('mnist-cnn at 50%: conv → conv → flatten → dense, counts = the shrunk shapes', () => {
    const r = compressionReport(cnn, structured(0.5), DEFAULT_CONFIG.storage);
    const shapes = r.layers.map((l) => l.effectiveShape);
    // conv1 16 → 8 filters; conv2 32 → 16 reading 8 channels; flatten [5, 5, 16] = 400 of its
    // 800 inputs; fc1 120 → 60, fc2 84 → 42, fc3 keeps its 10 classes.
    expect(shapes).toEqual([
      [5, 5, 1, 8],
      [5, 5, 8, 16],
      [400, 60],
      [60, 42],
      [42, 10],
    ]);
    expect(r.layers.map((l) => l.total - l.pruned)).toEqual([
      25 * 8,
      25 * 8 * 16,
      400 * 60,
      60 * 42,
      42 * 10,
    ]);
    expect(r.layers.map((l) => l.total - l.pruned)).toEqual(shapes.map((s) => product(s!)));
    // fc1: its own 60 units (800 · 60) and, of the 60 kept, the 16 removed channels at each of
    // the 25 positions (400 · 60).
    expect(r.layers[2]).toMatchObject({ ownPruned: 800 * 60, inputPruned: 400 * 60 });
    expect(maskImage(cnn, structured(0.5), 'fc1').kept).toBe(400 * 60);
  });
});

/** Logits of the first 500 test images with these kernels and biases in the model. */
function logits(
  m: LoadedModel,
  key: string,
  kernels: Map<string, Float32Array>,
  biases: Map<string, Float32Array>,
): Float32Array {
  applyKernels(m, key, kernels, biases);
  return tf.tidy(() => {
    const x = d.testX.slice(0, 500);
    return (m.model.predict(x, { batchSize: 500 }) as tf.Tensor).dataSync().slice() as Float32Array;
  });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('the removed weights are the ones the network no longer uses', () => {
  for (const arch of ['mlp', 'cnn'] as const) {
    it(`${arch}: biases removed, the cut inputs carry nothing; biases kept, they do`, () => {
      const m = arch === 'mlp' ? mlp : cnn;
      const removed = compressModel(m.original, structured(0.5));
      const kept = compressModel(m.original, structured(0.5, 'keep'));
      // Same ranking: the same units go under both rules.
      removed.layers.forEach((l, i) =>
        expect(l.prune!.keptChannels).toEqual(kept.layers[i]!.prune!.keptChannels),
      );
      expect(removed.prune!.layers.some((l) => l.inputPruned > 0)).toBe(true);
      const biasesOf = (c: typeof removed) =>
        new Map(
          c.layers.map((l, i) => {
            const b = m.original[i]!.bias!;
            return [l.name, l.biasMask ? applyMask(b, l.biasMask) : b];
          }),
        );
      // Own units only (as torch masks them) vs also the inputs from removed units.
      const ownOnly = new Map(removed.layers.map((l, i) => [l.name, kept.layers[i]!.values]));
      const shrunk = new Map(removed.layers.map((l) => [l.name, l.values]));

      // Biases removed: a removed unit outputs ReLU(0) = 0, so zeroing the weights that read it
      // changes no logit.
      const a = logits(m, `${arch}-own-removed`, ownOnly, biasesOf(removed));
      const b = logits(m, `${arch}-shrunk-removed`, shrunk, biasesOf(removed));
      expect(maxAbsDiff(a, b)).toBe(0);

      // Biases kept: a removed unit outputs ReLU(bias), so the same zeroing changes the logits:
      // those weights are still in use and are counted as kept.
      const c = logits(m, `${arch}-own-kept`, ownOnly, biasesOf(kept));
      const e = logits(m, `${arch}-shrunk-kept`, shrunk, biasesOf(kept));
      expect(maxAbsDiff(c, e)).toBeGreaterThan(1e-3);
      applyKernels(m, '', null, null);
    });
  }
});

describe('mnist-cnn structured pruning through flatten', () => {
  it('biases kept (torch): conv2 keeps all 16 input channels and fc1 all 800 inputs', () => {
    const r = compressionReport(cnn, structured(0.5, 'keep'), DEFAULT_CONFIG.storage);
    expect(r.layers.map((l) => l.inputPruned)).toEqual([0, 0, 0, 0, 0]);
    // Each layer loses only its own removed units: whole output columns of its kernel.
    expect(r.layers.map((l) => l.total - l.pruned)).toEqual([
      25 * 8,
      25 * 16 * 16,
      800 * 60,
      120 * 42,
      84 * 10,
    ]);
    expect(r.layers.map((l) => l.constantUnits)).toEqual([8, 16, 60, 42, 0]);
    expect(maskImage(cnn, structured(0.5, 'keep'), 'fc1').kept).toBe(800 * 60);
  });

  it('biases removed: a weight of fc1 is kept iff its unit is kept and its flatten input comes from a kept conv2 filter', () => {
    // 70% with the L1 norm: other filters go than at 50% (and the counts are not round halves).
    const s = compressSettings({
      ...DEFAULT_CONFIG,
      weights: { ...DEFAULT_CONFIG.weights, format: 'float32' },
      prune: { ...DEFAULT_CONFIG.prune, method: 'structured', sparsity: 0.7, norm: 'l1' },
    });
    const c = compressModel(cnn.original, s);
    const [conv1, conv2, fc1] = c.layers as [CL, CL, CL];
    const k1 = new Set(conv1.prune!.keptChannels);
    const k2 = new Set(conv2.prune!.keptChannels);
    const k3 = new Set(fc1.prune!.keptChannels);
    expect(k2.size).toBeLessThan(32);
    // conv2 [5, 5, 16, 32]: element i reads input channel ⌊i/32⌋ mod 16 and writes filter i mod 32.
    let wrong = 0;
    for (let i = 0; i < conv2.values.length; i++) {
      const keep = k2.has(i % 32) && k1.has(Math.floor(i / 32) % 16);
      if (conv2.mask![i] !== (keep ? 1 : 0)) wrong++;
    }
    expect(wrong).toBe(0);
    // fc1 [800, 120]: row r is flatten position ⌊r/32⌋ of [5, 5, 32] (NHWC), channel r mod 32.
    let kept = 0;
    for (let i = 0; i < fc1.values.length; i++) {
      const keep = k3.has(i % 120) && k2.has(Math.floor(i / 120) % 32);
      if (fc1.mask![i] !== (keep ? 1 : 0) || (!keep && fc1.values[i] !== 0)) wrong++;
      kept += keep ? 1 : 0;
    }
    expect(wrong).toBe(0);
    expect(kept).toBe(25 * k2.size * k3.size);
    const r = compressionReport(cnn, s, DEFAULT_CONFIG.storage);
    expect(r.layers[2]!.effectiveShape).toEqual([25 * k2.size, k3.size]);
    expect(r.layers[2]!.total - r.layers[2]!.pruned).toBe(kept);
  });

  it('the CNN built at its shrunk shapes computes the same logits as the masked full one', () => {
    for (const sparsity of [0.5, 0.7]) {
      const s = structured(sparsity);
      const c = compressModel(cnn.original, s);
      const shapes = compressionReport(cnn, s, DEFAULT_CONFIG.storage).layers.map(
        (l) => l.effectiveShape,
      );
      const biases = new Map(
        c.layers.map((l, i) => {
          const b = cnn.original[i]!.bias!;
          return [l.name, l.biasMask ? applyMask(b, l.biasMask) : b];
        }),
      );
      const full = logits(
        cnn,
        `cnn-structured-${sparsity}`,
        new Map(c.layers.map((l) => [l.name, l.values])),
        biases,
      );
      applyKernels(cnn, '', null, null);
      const { out, kernelShapes } = shrunkForward(
        cnn,
        c.layers.map((l) => l.prune?.keptChannels ?? null),
      );
      // The shrunk network really has the shapes the lab reports.
      expect(kernelShapes).toEqual(shapes);
      expect(maxAbsDiff(full, out)).toBeLessThan(1e-4);
    }
  });
});

type CL = ReturnType<typeof compressModel>['layers'][number];

/**
 * The first 500 test images through mnist-cnn rebuilt from its original weights with only the
 * kept filters and units: each kernel gathered along its output axis (this layer's kept) and its
 * input axis (the previous layer's kept, mapped through Flatten as NHWC position × channel).
 */
function shrunkForward(
  m: LoadedModel,
  kept: readonly (Int32Array | null)[],
): { out: Float32Array; kernelShapes: number[][] } {
  const weighted = new Map(m.original.map((w, i) => [w.info.name, i]));
  const kernelShapes: number[][] = [];
  const out = tf.tidy(() => {
    let h: tf.Tensor = d.testX.slice(0, 500);
    /** Kept indices of h's last axis, out of `width` (null = all). */
    let inKept: number[] | null = null;
    let width = 1;
    for (const layer of m.layers) {
      const cls = layer.getClassName();
      const cfg = layer.getConfig();
      const i = weighted.get(layer.name);
      if (i !== undefined) {
        const w = m.original[i]!;
        const shape = [...w.info.kernelShape];
        const outs = shape[shape.length - 1]!;
        const own = kept[i] ? Array.from(kept[i]) : [...Array(outs).keys()];
        let k = tf.tensor(w.kernel, shape);
        if (inKept) k = tf.gather(k, inKept, shape.length - 2);
        k = tf.gather(k, own, shape.length - 1);
        kernelShapes.push(k.shape);
        const b = tf.gather(tf.tensor1d(w.bias!), own);
        h =
          cls === 'Conv2D'
            ? tf.add(tf.conv2d(h as tf.Tensor4D, k as tf.Tensor4D, 1, cfg.padding as 'same'), b)
            : tf.add(tf.matMul(h as tf.Tensor2D, k as tf.Tensor2D), b);
        if (cfg.activation === 'relu') h = tf.relu(h);
        else expect(cfg.activation).toBe('linear');
        inKept = own;
        width = outs;
      } else if (cls === 'MaxPooling2D') {
        h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
      } else if (cls === 'Flatten') {
        const [, hh, ww] = h.shape as number[];
        const positions = hh! * ww!;
        const channels: number[] = inKept ?? [...Array(width).keys()];
        inKept = [...Array(positions).keys()].flatMap((p) =>
          channels.map((ch: number) => p * width + ch),
        );
        width = positions * width;
        h = tf.reshape(h, [h.shape[0]!, -1]);
      } else {
        throw new Error(`unexpected layer ${cls}`);
      }
    }
    return h;
  });
  const v = out.dataSync().slice() as Float32Array;
  out.dispose();
  return { out: v, kernelShapes };
}
