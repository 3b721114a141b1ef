import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { evalBatchSize, evaluate } from './evaluate';
import { imagesToTensor } from './preprocess';
import { readLayerWeights, setKernels } from './weights';

/** A tiny model whose predictions we can control: logits = x · W with W set by hand. */
function tinyModel(): tf.LayersModel {
  const m = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [2, 2, 1], name: 'flatten' }),
      tf.layers.dense({ units: 3, useBias: true, name: 'fc', kernelInitializer: 'zeros' }),
    ],
  });
  // Class = index of the brightest of the first three pixels.
  const w = tf.tensor2d([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0], [4, 3]);
  const b = tf.zeros([3]);
  m.getLayer('fc').setWeights([w, b]);
  w.dispose();
  b.dispose();
  return m;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('evaluate', () => {
  it('computes accuracy and the confusion matrix', async () => {
    const model = tinyModel();
    // 4 images of 2×2 pixels: brightest pixel 0, 1, 2, 0; labels 0, 1, 1, 2.
    const px = new Uint8Array([255, 0, 0, 0, 0, 255, 0, 0, 0, 0, 255, 0, 200, 10, 0, 0]);
    const x = imagesToTensor(px, 4, [2, 2, 1]);
    const labels = new Uint8Array([0, 1, 1, 2]);
    const r = await evaluate(model, x, labels, { numClasses: 3, batchSize: 3 });
    expect(r.correct).toBe(2);
    expect(r.count).toBe(4);
    expect(r.accuracy).toBe(0.5);
    // true 1 → predicted 2 once; true 2 → predicted 0 once.
    expect(Array.from(r.confusion)).toEqual([1, 0, 0, 0, 1, 1, 1, 0, 0]);
    const limited = await evaluate(model, x, labels, { numClasses: 3, limit: 2 });
    expect(limited.count).toBe(2);
    expect(limited.correct).toBe(2);
    x.dispose();
    model.dispose();
  });

  it('does not leak tensors across repeated evaluations', async () => {
    const model = tinyModel();
    const x = imagesToTensor(
      new Uint8Array(4 * 50).map((_, i) => (i * 37) % 256),
      50,
      [2, 2, 1],
    );
    const labels = new Uint8Array(50).map((_, i) => i % 3);
    await evaluate(model, x, labels, { numClasses: 3 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await evaluate(model, x, labels, { numClasses: 3, batchSize: 7 });
    await readLayerWeights(model);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it('sizes batches by the widest activation', () => {
    const model = tinyModel();
    expect(evalBatchSize(model, 10_000)).toBe(10_000);
    expect(evalBatchSize(model, 10_000, 400)).toBe(100);
    model.dispose();
  });
});

describe('readLayerWeights', () => {
  it('returns private copies with shapes and parameter counts', async () => {
    const model = tinyModel();
    const [fc] = await readLayerWeights(model);
    expect(fc?.info).toMatchObject({
      name: 'fc',
      className: 'Dense',
      kernelShape: [4, 3],
      biasShape: [3],
      params: 15,
      outChannels: 3,
    });
    fc!.kernel.fill(9);
    const again = await readLayerWeights(model);
    expect(again[0]!.kernel[0]).toBe(1);
    model.dispose();
  });
});

describe('setKernels', () => {
  it('replaces kernels, restores originals, and leaks nothing', async () => {
    const model = tinyModel();
    const original = await readLayerWeights(model);
    const before = tf.memory().numTensors;
    setKernels(model, original, new Map([['fc', new Float32Array(12).fill(0.5)]]));
    expect(Array.from(await model.getLayer('fc').getWeights()[0]!.data())).toEqual(
      new Array(12).fill(0.5),
    );
    setKernels(model, original, null);
    expect(Array.from(await model.getLayer('fc').getWeights()[0]!.data())).toEqual(
      Array.from(original[0]!.kernel),
    );
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
