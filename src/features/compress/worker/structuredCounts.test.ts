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
