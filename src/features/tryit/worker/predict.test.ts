import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { compressSettings } from '../../compress';
import { applySettings } from '../../compress/worker';
import { evaluate } from '../../model/worker';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import type { EvalRequest } from '../../../platform/worker/engine';
import { compareModels } from '../shared/compare';
import { outputsOf, tryitApi } from './predict';

/** The Try it tab's worker side on the shipped MNIST MLP, in Node, with the engine's lock. */
let m: LoadedModel;
let d: LoadedDataset;
let api: ReturnType<typeof tryitApi>;

/** The engine's model lock (engine.ts): one at a time, in arrival order, latest wins per channel. */
function lock() {
  let chain: Promise<unknown> = Promise.resolve();
  const latest = new Map<string, number>();
  let ticket = 0;
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  return <T>(channel: string | undefined, fn: () => Promise<T>): Promise<T> => {
    if (channel === undefined) return exclusive(fn);
    const mine = ++ticket;
    latest.set(channel, mine);
    return exclusive(() => {
      if (latest.get(channel) !== mine) {
        const e = new Error('superseded');
        e.name = 'CancelledError';
        return Promise.reject(e);
      }
      return fn();
    });
  };
}

const request = (patch: Partial<Config['weights']>): EvalRequest => ({
  weights: compressSettings({
    ...DEFAULT_CONFIG,
    weights: { ...DEFAULT_CONFIG.weights, ...patch },
  }),
  acts: null,
});
const INT2 = request({ format: 'int', bits: 2 });
const INT4 = request({ format: 'int', bits: 4 });

beforeAll(async () => {
  await tf.setBackend('wasm');
  m = await loadShippedModel('mnist', 'mlp');
  d = loadShippedDataset('mnist');
  api = tryitApi({
    loaded: () => Promise.resolve([m, d]),
    supersedable: lock(),
    applySettings,
  });
});

afterAll(() => {
  m.model.dispose();
  d.testX.dispose();
});

async function logits(x: tf.Tensor): Promise<Float32Array> {
  const z = tf.tidy(() => m.model.predict(x) as tf.Tensor);
  const v = Float32Array.from(await z.data());
  z.dispose();
  return v;
}

describe('one input through both models', () => {
  it('gives the original model’s logits, and the compressed model’s with its weights loaded', async () => {
    const index = 21;
    const r = await api.tryitPredict('mnist', 'mlp', INT2, { kind: 'test', index });
    const x = d.testX.slice(index, 1);
    applySettings(m, null);
    const float = await logits(x);
    applySettings(m, INT2.weights);
    const compressed = await logits(x);
    x.dispose();
    expect(Array.from(r.float)).toEqual(Array.from(float));
    expect(Array.from(r.compressed)).toEqual(Array.from(compressed));
    // 2-bit weights do change the outputs.
    expect(Array.from(r.compressed)).not.toEqual(Array.from(r.float));
    expect(r.test?.index).toBe(index);
    expect(r.test?.label).toBe(d.testLabels[index]);
    expect(r.test?.pixels).toHaveLength(784);
  });

  it('reads a drawing’s 784 values as it reads the same test image', async () => {
    const index = 5;
    const x = d.testX.slice(index, 1);
    const input = Float32Array.from(await x.data());
    x.dispose();
    const a = await api.tryitPredict('mnist', 'mlp', INT4, { kind: 'input', input });
    const b = await api.tryitPredict('mnist', 'mlp', INT4, { kind: 'test', index });
    expect(Array.from(a.float)).toEqual(Array.from(b.float));
    expect(Array.from(a.compressed)).toEqual(Array.from(b.compressed));
    expect(a.test).toBeNull();
  });

  it('says the shipped model’s outputs are logits', async () => {
    const r = await api.tryitPredict('mnist', 'mlp', INT4, { kind: 'test', index: 0 });
    expect(r.outputs).toBe('logits');
  });

  it('refuses an input of the wrong size and an image outside the test set', async () => {
    await expect(
      api.tryitPredict('mnist', 'mlp', INT4, { kind: 'input', input: new Float32Array(100) }),
    ).rejects.toThrow(RangeError);
    await expect(
      api.tryitPredict('mnist', 'mlp', INT4, { kind: 'test', index: d.testLabels.length }),
    ).rejects.toThrow(/does not exist/);
  });
});

describe('both models over the test set', () => {
  it('agree with the evaluation’s correct counts, original and compressed', async () => {
    const r = await api.tryitPredictions('mnist', 'mlp', INT2);
    const c = compareModels(r);
    expect(c.count).toBe(d.testLabels.length);
    applySettings(m, null);
    const f = await evaluate(m.model, d.testX, d.testLabels);
    applySettings(m, INT2.weights);
    const q = await evaluate(m.model, d.testX, d.testLabels);
    expect(c.floatCorrect).toBe(f.correct);
    expect(c.compressedCorrect).toBe(q.correct);
    // 2-bit per-tensor weights break this model: many images only it gets wrong.
    expect(c.compressedOnly.length).toBeGreaterThan(100);
  });

  it('stops an older request once a newer one arrives', async () => {
    const older = api.tryitPredictions('mnist', 'mlp', INT2);
    const newer = api.tryitPredictions('mnist', 'mlp', INT4);
    await expect(older).rejects.toMatchObject({ name: 'CancelledError' });
    const r = await newer;
    expect(r.compressed).toHaveLength(d.testLabels.length);
  });

  it('leaks no tensor', async () => {
    await api.tryitPredict('mnist', 'mlp', INT2, { kind: 'test', index: 0 });
    await api.tryitPredictions('mnist', 'mlp', INT2);
    const before = tf.memory().numTensors;
    await api.tryitPredict('mnist', 'mlp', INT4, { kind: 'test', index: 1 });
    await api.tryitPredict('mnist', 'mlp', INT4, {
      kind: 'input',
      input: new Float32Array(784).fill(0.5),
    });
    await api.tryitPredictions('mnist', 'mlp', INT4);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the kind of a model’s outputs', () => {
  it('is probabilities after a softmax (Dense activation or Softmax layer), else logits', () => {
    const dense = (activation: 'softmax' | 'linear' | 'relu') =>
      tf.sequential({ layers: [tf.layers.dense({ units: 10, inputShape: [4], activation })] });
    const layer = tf.sequential({
      layers: [tf.layers.dense({ units: 10, inputShape: [4] }), tf.layers.softmax()],
    });
    const models = [dense('softmax'), dense('linear'), dense('relu'), layer];
    expect(models.map(outputsOf)).toEqual(['probabilities', 'logits', 'logits', 'probabilities']);
    for (const x of models) x.dispose();
  });
});
