import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { fakeQuantAct } from '../../model/worker';
import { steFakeQuantAct, steWeight } from './ste';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('straight-through estimators', () => {
  it('weights: forward is the quantized value, gradient 1 where passed and 0 where clipped', async () => {
    const w = tf.tensor1d([0.1, 0.7, -0.3, 2]);
    const q = tf.tensor1d([0, 1, 0, 1]);
    const pass = tf.tensor1d([1, 1, 1, 0]);
    const upstream = tf.tensor1d([2, 3, 5, 7]);
    const before = tf.memory().numTensors;
    const f = (t: tf.Tensor) => tf.sum(tf.mul(steWeight(t, q, pass), upstream));
    const g = tf.grad(f)(w);
    expect(Array.from(await g.data())).toEqual([2, 3, 5, 0]);
    const y = steWeight(w, q, pass);
    expect(Array.from(await y.data())).toEqual([0, 1, 0, 1]);
    tf.dispose([g, y]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, q, pass, upstream]);
  });

  it('activations: forward is the lab’s fakeQuantAct, gradient passed inside the grid only', async () => {
    // Grid: scale 0.1, zero-point 0, codes 0..10: [0, 1], half a step of slack each side.
    const q = { scale: 0.1, zeroPoint: 0, qmin: 0, qmax: 10 };
    const x = tf.tensor1d([-1, -0.04, 0, 0.42, 1.04, 1.2, 3]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(steFakeQuantAct(t, q)))(x);
    expect(Array.from(await g.data())).toEqual([0, 1, 1, 1, 1, 0, 0]);
    const y = steFakeQuantAct(x, q);
    const expected = fakeQuantAct(x, q);
    expect(Array.from(await y.data())).toEqual(Array.from(await expected.data()));
    tf.dispose([x, g, y, expected]);
  });
});
