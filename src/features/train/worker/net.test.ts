import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import { createNet, disposeNet, forwardNet, readNet, topologyOf } from './net';

let mlp: LoadedModel;
let cnn: LoadedModel;
let data: LoadedDataset;

beforeAll(async () => {
  await tf.setBackend('cpu');
  [mlp, cnn] = await Promise.all([
    loadShippedModel('mnist', 'mlp'),
    loadShippedModel('mnist', 'cnn'),
  ]);
  data = loadShippedDataset('mnist');
});

describe('the functional net', () => {
  it('reads the shipped topologies', () => {
    expect(topologyOf(mlp.model).weighted).toEqual(['fc1', 'fc2', 'fc3']);
    const t = topologyOf(cnn.model);
    expect(t.weighted).toEqual(['conv1', 'conv2', 'fc1', 'fc2', 'fc3']);
    expect(t.ops.map((o) => o.kind)).toEqual([
      'conv2d',
      'maxPool',
      'conv2d',
      'maxPool',
      'flatten',
      'dense',
      'dense',
      'dense',
    ]);
  });

  it('computes the same logits as model.predict, for the MLP and the CNN', async () => {
    const x = data.testX.slice(0, 32);
    for (const m of [mlp, cnn]) {
      const net = createNet(m.model, m.original);
      const ours = tf.tidy(() => forwardNet(net, x));
      const theirs = m.model.predict(x) as tf.Tensor;
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, theirs))));
      expect((await diff.data())[0]).toBeLessThan(1e-4);
      tf.dispose([ours, theirs, diff]);
      disposeNet(net);
    }
    x.dispose();
  });

  it('owns copies: training them leaves the base model alone, and disposing frees them', async () => {
    const before = tf.memory().numTensors;
    const net = createNet(mlp.model, mlp.original);
    tf.tidy(() => net.params[0]!.kernel.assign(tf.zerosLike(net.params[0]!.kernel)));
    const read = await readNet(net);
    expect(read[0]!.kernel.every((v) => v === 0)).toBe(true);
    expect(read.map((l) => l.kernelShape)).toEqual([
      [784, 300],
      [300, 100],
      [100, 10],
    ]);
    const live = await mlp.model.getLayer('fc1').getWeights()[0]!.data();
    expect(live[0]).toBe(mlp.original[0]!.kernel[0]);
    disposeNet(net);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses layers it cannot train', () => {
    const m = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [2, 2, 1] }),
        tf.layers.batchNormalization(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    expect(() => topologyOf(m)).toThrow(/BatchNormalization/);
    m.dispose();
  });
});
