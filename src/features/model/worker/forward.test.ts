import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { fakeQuantizePerTensor } from '../../quantize';
import { computeQParams } from '../../quantize';
import { chainLayers, collectLayerInputs, fakeQuantAct, forward } from './forward';

function mlp(): tf.LayersModel {
  const input = tf.input({ shape: [2, 2, 1] });
  let x = tf.layers.flatten({ name: 'flatten' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers
    .dense({
      units: 5,
      activation: 'relu',
      name: 'fc1',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({ units: 3, name: 'fc2', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('fakeQuantAct', () => {
  it('matches the core (torch-exact) fake-quantizer, ties included', async () => {
    const qp = computeQParams(-1, 3, 4, 'affine');
    const values = new Float32Array(400).map((_, i) => -1.5 + i * 0.0125);
    // exact ties: (k + ½)·scale
    for (let k = 0; k < 16; k++) values[k] = (k + 0.5) * qp.scale;
    const expected = fakeQuantizePerTensor(values, qp).values;
    const t = tf.tensor1d(values);
    const q = fakeQuantAct(t, qp);
    const got = await q.data();
    t.dispose();
    q.dispose();
    let mismatches = 0;
    for (let i = 0; i < values.length; i++)
      if (Math.abs(got[i]! - expected[i]!) > 1e-6) mismatches++;
    expect(mismatches).toBe(0);
  });
});

describe('forward', () => {
  it('equals model.predict without activation quantizers, and differs with coarse ones', async () => {
    const model = mlp();
    const layers = chainLayers(model);
    expect(layers.map((l) => l.name)).toEqual(['flatten', 'fc1', 'fc2']);
    const x = tf.randomUniform([8, 2, 2, 1], 0, 1, 'float32', 3);
    const a = model.predict(x) as tf.Tensor;
    const b = tf.tidy(() => forward(layers, x, new Map()));
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-6);
    const coarse = computeQParams(0, 1, 2, 'affine');
    const c = tf.tidy(() => forward(layers, x, new Map([['fc1', coarse]])));
    expect(tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([a, b, c, x]);
    model.dispose();
  });

  it('collects the inputs each layer sees, without leaking tensors', async () => {
    const model = mlp();
    const layers = chainLayers(model);
    const x = tf.randomUniform([10, 2, 2, 1], 0, 1, 'float32', 4);
    const before = tf.memory().numTensors;
    const inputs = await collectLayerInputs(layers, x, new Set(['fc1', 'fc2']), 4);
    expect(tf.memory().numTensors).toBe(before);
    const fc1 = inputs.get('fc1')!;
    expect(fc1.map((b) => b.length)).toEqual([16, 16, 8]); // batches of 4, 4, 2 images × 4 pixels
    expect(Array.from(fc1[0]!)).toEqual(Array.from((await x.slice(0, 4).data()).slice()));
    expect(inputs.get('fc2')!.reduce((a, b) => a + b.length, 0)).toBe(10 * 5);
    // fc2's inputs are ReLU outputs
    expect(Math.min(...inputs.get('fc2')!.flatMap((b) => Array.from(b)))).toBeGreaterThanOrEqual(0);
    x.dispose();
    model.dispose();
  });
});
