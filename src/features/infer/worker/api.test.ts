import { MAX_LATENCY_GROUP } from '../shared/latency';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import { compressSettings } from '../../compress';
import { applySettings } from '../../compress/worker';
import { evaluate, forward } from '../../model/worker';
import { actQuantizers } from '../../quantize/worker';
import { kernelBytes } from '../../../testing/kernels';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import type { EvalRequest } from '../../../platform/worker/engine';
import { inferApi } from './api';

/** The engine's integer API on the shipped MNIST MLP, in Node, with a lock like the engine's. */
let m: LoadedModel;
let d: LoadedDataset;
let api: ReturnType<typeof inferApi>;

beforeAll(async () => {
  await tf.setBackend('wasm');
  m = await loadShippedModel('mnist', 'mlp');
  d = loadShippedDataset('mnist');
  let chain: Promise<unknown> = Promise.resolve();
  api = inferApi({
    loaded: () => Promise.resolve([m, d]),
    supersedable: <T>(_channel: string | undefined, fn: () => Promise<T>) => {
      const run = chain.then(fn, fn);
      chain = run.catch(() => undefined);
      return run;
    },
    wasm: async (path) => kernelBytes(path),
  });
});

afterAll(() => {
  m.model.dispose();
  d.testX.dispose();
});

const W4A8: EvalRequest = {
  weights: compressSettings({
    ...DEFAULT_CONFIG,
    weights: { ...DEFAULT_CONFIG.weights, bits: 4, granularity: 'channel' },
  }),
  acts: { ...DEFAULT_CONFIG.acts, bits: 8 },
};

describe('intEvaluate', () => {
  it("counts the integer path's correct predictions and those that differ from the float path's", async () => {
    const before = tf.memory().numTensors;
    const r = await api.intEvaluate('mnist', 'mlp', W4A8);
    // The float path here is the app's evaluation of the same request.
    const actQ = await actQuantizers(m, d, W4A8.acts!, {});
    applySettings(m, W4A8.weights);
    const app = await evaluate(m.model, d.testX, d.testLabels, {
      predict: (x) => forward(m.layers, x, actQ),
    });
    expect(r.count).toBe(2000);
    expect(r.floatCorrect).toBe(app.correct);
    expect(r.differing).toBeLessThanOrEqual(2);
    expect(Math.abs(r.correct - r.floatCorrect)).toBeLessThanOrEqual(r.differing);
    expect(r.accuracy).toBe(r.correct / r.count);
    expect(r.approximations).toEqual([]);
    expect(r.actBits).toBe(8);
    expect(r.path).toBe('simd128');
    expect(r.ms).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs a weights-only request with 8-bit activations and says so', async () => {
    const r = await api.intEvaluate('mnist', 'mlp', { weights: W4A8.weights, acts: null });
    expect(r.actBits).toBe(8);
    expect(r.approximations).toHaveLength(1);
    expect(r.accuracy).toBeGreaterThan(0.95);
  });
});

describe('intPredict', () => {
  it('gives the integer top classes of a range of test images, as the whole-set evaluation counts them', async () => {
    const all = await api.intEvaluate('mnist', 'mlp', W4A8);
    const a = await api.intPredict('mnist', 'mlp', W4A8, 0, 1000, true);
    const b = await api.intPredict('mnist', 'mlp', W4A8, 1000, 1000);
    expect([a.classes.length, b.classes.length]).toEqual([1000, 1000]);
    expect(a.correct + b.correct).toBe(all.correct);
    let right = 0;
    a.classes.forEach((c, i) => (right += c === d.testLabels[i] ? 1 : 0));
    expect(right).toBe(a.correct);
    expect(a.path).toBe(all.path);
    expect(a.ms).toBeGreaterThan(0);
  });
});

describe('speed', () => {
  it('measures both paths on the same test set and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const s = await api.speed('mnist', 'mlp', W4A8, 5);
    expect(s.count).toBe(2000);
    expect(s.latencyRuns).toBe(5);
    for (const p of [s.float, s.int]) {
      expect(p.latencyMs).toBeGreaterThan(0);
      // Groups of one-image calls, sized by counting calls in 0.5 ms (shared/latency.ts).
      expect(p.latencyGroup).toBeGreaterThanOrEqual(1);
      expect(p.latencyGroup).toBeLessThanOrEqual(MAX_LATENCY_GROUP);
      expect(p.batchMs).toBeGreaterThan(0);
      expect(p.imagesPerSecond).toBeCloseTo((2000 / p.batchMs) * 1000, 6);
    }
    expect(s.macsPerImage).toBe(784 * 300 + 300 * 100 + 100 * 10);
    expect(s.floatBackend).toBe('wasm');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('intSpeedSweep', () => {
  it('times the integer path for every request, the batches in rounds over the requests', async () => {
    const req = (bits: number): EvalRequest => ({
      weights: compressSettings({
        ...DEFAULT_CONFIG,
        weights: { ...DEFAULT_CONFIG.weights, bits },
      }),
      acts: W4A8.acts,
    });
    const points = await api.intSpeedSweep('mnist', 'mlp', [req(8), req(2), req(1)], 3, 100, 40);
    expect(points).toHaveLength(3);
    for (const p of points) {
      expect(p.images).toBe(100);
      expect(p.latencyMs).toBeGreaterThan(0);
      expect(p.latencyGroup).toBeGreaterThanOrEqual(1);
      expect(p.batchMs).toBeGreaterThan(0);
      // Timed until 40 ms are spent: between 3 and 25 runs, whatever the machine's speed.
      expect(p.batchRuns).toBeGreaterThanOrEqual(3);
      expect(p.batchRuns).toBeLessThanOrEqual(25);
    }
    // Timed in rounds over the points: every point the same number of runs.
    expect(new Set(points.map((p) => p.batchRuns)).size).toBe(1);
  });
});
