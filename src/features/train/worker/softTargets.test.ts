import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { evaluate } from '../../model/worker';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import { softmaxT } from '../shared/softmax';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import { misclassifiedOf, softTargetsOf } from './softTargets';

/** The distillation view's worker side on the shipped MNIST MLP, in Node. */
let m: LoadedModel;
let d: LoadedDataset;

beforeAll(async () => {
  await tf.setBackend('wasm');
  m = await loadShippedModel('mnist', 'mlp');
  d = loadShippedDataset('mnist');
});

afterAll(() => {
  m.model.dispose();
  d.testX.dispose();
});

describe('soft targets of one test image', () => {
  it('gives back the stored pixels and label, and the logits the model computes', async () => {
    const stored = readFileSync(
      resolve(import.meta.dirname, '../../../../public/data/mnist/test-images.u8'),
    );
    const index = 17;
    const r = await softTargetsOf(m, d, index);
    const size = 28 * 28;
    expect(r.index).toBe(index);
    expect(r.shape).toEqual([28, 28, 1]);
    expect(r.label).toBe(d.testLabels[index]);
    expect(Array.from(r.pixels)).toEqual(
      Array.from(stored.subarray(index * size, (index + 1) * size)),
    );
    expect(r.logits).toHaveLength(10);
    const ref = tf.tidy(() => m.model.predict(d.testX.slice(index, 1)) as tf.Tensor);
    const z = await ref.data();
    ref.dispose();
    r.logits.forEach((v, i) => expect(v).toBeCloseTo(z[i]!, 4));
    // A model that ends in softmax would give probabilities here, not logits.
    expect(Math.abs(r.logits.reduce((a, b) => a + b, 0) - 1)).toBeGreaterThan(1e-3);
    const p = softmaxT(r.logits, 1);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('refuses an index outside the test set', async () => {
    await expect(softTargetsOf(m, d, d.testLabels.length)).rejects.toThrow(/does not exist/);
    await expect(softTargetsOf(m, d, -1)).rejects.toThrow(/does not exist/);
  });

  it('leaks no tensor', async () => {
    await softTargetsOf(m, d, 0);
    await misclassifiedOf(m, d);
    const before = tf.memory().numTensors;
    await softTargetsOf(m, d, 3);
    await misclassifiedOf(m, d);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('misclassified test images', () => {
  it('are exactly the errors the evaluation counts', async () => {
    const r = await misclassifiedOf(m, d);
    const e = await evaluate(m.model, d.testX, d.testLabels);
    expect(r.count).toBe(d.testLabels.length);
    expect(r.indices.length).toBe(e.count - e.correct);
    for (let i = 1; i < r.indices.length; i++)
      expect(r.indices[i]!).toBeGreaterThan(r.indices[i - 1]!);
    // The first one really is misclassified: its top logit is not its label.
    const first = r.indices[0]!;
    const t = await softTargetsOf(m, d, first);
    const top = t.logits.indexOf(Math.max(...t.logits));
    expect(top).not.toBe(t.label);
  });
});
