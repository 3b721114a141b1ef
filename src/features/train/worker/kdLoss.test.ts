import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../../platform/shared/random';
import { distillationLoss as reference } from '../shared/kd';
import { distillationLoss } from './kdLoss';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function logits(n: number, k: number, seed: number, scale = 4): number[][] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () =>
    Array.from({ length: k }, () => Math.fround((r() - 0.5) * scale)),
  );
}

describe('the distillation loss in tfjs', () => {
  it('equals the float64 reference for several T and α', async () => {
    const s = logits(6, 10, 1);
    const t = logits(6, 10, 2, 10);
    const labels = [0, 3, 9, 2, 2, 7];
    const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
    const st = tf.tensor2d(s);
    const tt = tf.tensor2d(t);
    for (const [T, alpha] of [
      [1, 0.5],
      [4, 0.9],
      [20, 1],
      [2, 0.1],
    ] as const) {
      const loss = distillationLoss(st, onehot, tt, T, alpha);
      expect((await loss.data())[0]).toBeCloseTo(reference(s, t, labels, T, alpha), 4);
      loss.dispose();
    }
    tf.dispose([onehot, st, tt]);
  });

  it('α = 0 is exactly tf.losses.softmaxCrossEntropy, whatever the teacher and T', async () => {
    const st = tf.tensor2d(logits(5, 10, 3));
    const onehot = tf.oneHot(tf.tensor1d([1, 2, 3, 4, 5], 'int32'), 10);
    const ce = tf.losses.softmaxCrossEntropy(onehot, st);
    const a = distillationLoss(st, onehot, null, 1, 0);
    const b = distillationLoss(st, onehot, tf.tensor2d(logits(5, 10, 4)), 7, 0);
    const v = (await ce.data())[0];
    expect((await a.data())[0]).toBe(v);
    expect((await b.data())[0]).toBe(v);
    expect(() => distillationLoss(st, onehot, null, 1, 0.5)).toThrow();
    tf.dispose([st, onehot, ce, a, b]);
  });

  it('stays finite when a teacher probability underflows to 0', async () => {
    const loss = distillationLoss(
      tf.tensor2d([[0, 0]]),
      tf.tensor2d([[1, 0]]),
      tf.tensor2d([[1000, -1000]]),
      1,
      1,
    );
    expect((await loss.data())[0]).toBeCloseTo(Math.LN2, 5);
  });
});
