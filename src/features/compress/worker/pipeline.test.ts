import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { ActQuant, WeightQuant } from '../../../platform/shared/config';
import { evaluate } from '../../model/worker';
import { forward } from '../../model/worker';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import { actQuantizers, calibrationKey, inspectActivations } from '../../quantize/worker';
import { applySettings } from './apply';
import { distinctLevels } from '../../quantize';
import { compressed, layerErrors } from '../shared/compressed';
import { inspectWeights } from '../shared/inspect';
import { compressModel } from '../shared/compress';

/**
 * The worker's quantization pipeline on the shipped MNIST MLP, in Node: the numbers a user sees
 * must have the shape the literature reports (REFERENCES.md): 8-bit ≈ float, naive 2-bit
 * collapses, per-channel helps at low bits.
 */
let m: LoadedModel;
let d: LoadedDataset;

const settings = (w: Partial<WeightQuant>, overrides: Record<string, number> = {}) => ({
  weights: { ...DEFAULT_CONFIG.weights, ...w },
  overrides,
  seed: 1,
  prune: DEFAULT_CONFIG.prune,
  cluster: DEFAULT_CONFIG.cluster,
});

async function accuracy(
  w: Parameters<typeof applySettings>[1],
  acts: ActQuant | null = null,
): Promise<number> {
  const actQ = acts ? await actQuantizers(m, d, acts, w?.overrides ?? {}) : new Map();
  applySettings(m, w);
  const r = await evaluate(
    m.model,
    d.testX,
    d.testLabels,
    actQ.size > 0 ? { predict: (x: tf.Tensor) => forward(m.layers, x, actQ) } : {},
  );
  return r.accuracy;
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  m = await loadShippedModel('mnist', 'mlp');
  d = loadShippedDataset('mnist');
});

afterAll(() => {
  m.model.dispose();
  d.testX.dispose();
});

describe('quantization pipeline on the shipped MNIST MLP', () => {
  it('reproduces the recorded float accuracy', async () => {
    expect(await accuracy(null)).toBeCloseTo(m.meta.testAccuracy, 6);
  });

  it('8-bit weights and activations stay within half a point of float; naive 2-bit collapses', async () => {
    const float = await accuracy(null);
    const w8 = await accuracy(settings({ bits: 8 }));
    const w8a8 = await accuracy(settings({ bits: 8 }), { ...DEFAULT_CONFIG.acts, bits: 8 });
    // 2-bit symmetric min-max: codes −1, 0, +1 with s = max|w|, so nearly every weight becomes 0.
    const w2 = await accuracy(settings({ bits: 2 }));
    expect(Math.abs(w8 - float)).toBeLessThan(0.005);
    expect(Math.abs(w8a8 - float)).toBeLessThan(0.005);
    expect(w2).toBeLessThan(float - 0.1);
  });

  it('per-layer float overrides restore the original weights exactly', async () => {
    const float = await accuracy(null);
    expect(await accuracy(settings({ bits: 2 }, { fc1: 0, fc2: 0, fc3: 0 }))).toBe(float);
  });

  it('per-channel 4-bit has less weight error than per-tensor 4-bit', () => {
    const t = layerErrors(m, settings({ bits: 4 }));
    const c = layerErrors(m, settings({ bits: 4, granularity: 'channel' }));
    for (let i = 0; i < t.length; i++) expect(c[i]!.sqnrDb).toBeGreaterThan(t[i]!.sqnrDb);
  });

  it('inspects a layer: levels never exceed the grid, counts are conserved', () => {
    const r = inspectWeights(m, settings({ bits: 3 }), 'fc2', 64);
    const sum = (a: Uint32Array) => a.reduce((x, y) => x + y, 0);
    expect(sum(r.original)).toBe(300 * 100);
    expect(sum(r.quantized)).toBe(300 * 100);
    expect(r.levels).toHaveLength(7);
    expect(r.error.name).toBe('fc2');
    expect(r.error.levels).toBeLessThanOrEqual(7);
    // Symmetric per-tensor min-max never clips a weight.
    expect(r.error.clipped).toBe(0);
    expect(layerErrors(m, settings({ bits: 3 })).every((e) => e.clipped === 0)).toBe(true);
    // The error shown is fc2's, computed here from scratch (compressModel bypasses the caches).
    const w = m.original[1]!.kernel;
    const q = compressModel(m.original, settings({ bits: 3 })).layers[1]!.values;
    let signal = 0;
    let noise = 0;
    let maxErr = 0;
    for (let i = 0; i < w.length; i++) {
      const e = w[i]! - q[i]!;
      signal += w[i]! * w[i]!;
      noise += e * e;
      maxErr = Math.max(maxErr, Math.abs(e));
    }
    expect(r.error.mse).toBeCloseTo(noise / w.length, 12);
    expect(r.error.sqnrDb).toBeCloseTo(10 * Math.log10(signal / noise), 6);
    expect(r.error.maxAbsError).toBe(maxErr);
    expect(r.error.levels).toBe(distinctLevels(q));
    // Another bit-width is another, smaller error (not a cached one under the wrong key).
    const e4 = layerErrors(m, settings({ bits: 4 }))[1]!;
    expect(e4.mse).toBeLessThan(r.error.mse);
    expect(e4.levels).toBeGreaterThan(r.error.levels!);
  });

  it('counts the distinct values of every compressed layer exactly, from codes or clusters', () => {
    const pruned = { ...DEFAULT_CONFIG.prune, method: 'magnitude' as const, sparsity: 0.6 };
    const cases = [
      settings({ bits: 3 }),
      settings({ bits: 4, scheme: 'affine' }),
      settings({ bits: 4, granularity: 'channel' }),
      settings({ bits: 8, scheme: 'affine', granularity: 'channel' }),
      settings({ bits: 1, granularity: 'channel' }),
      settings({ bits: 2, ternary: true, granularity: 'channel' }),
      { ...settings({ bits: 3, granularity: 'channel' }), prune: pruned },
      settings({ bits: 1 }),
      settings({ bits: 2, ternary: true }),
      { ...settings({ bits: 3 }), prune: pruned },
      { ...settings({ bits: 1 }), prune: pruned },
      {
        ...settings({ format: 'cluster' }),
        prune: pruned,
        cluster: { k: 8, init: 'linear' as const },
      },
    ];
    for (const s of cases) {
      const values = compressed(m, s).layers.map((l) => l.values);
      layerErrors(m, s).forEach((e, i) => expect(e.levels).toBe(distinctLevels(values[i]!)));
    }
    // Float formats have no grid: nothing to count.
    for (const e of layerErrors(m, { ...settings({ format: 'float32' }), prune: pruned }))
      expect(e.levels).toBeNull();
  });

  it('calibrates activations: percentile clips a little, min-max nothing', async () => {
    const base = { ...DEFAULT_CONFIG.acts, bits: 8, calibration: 256 };
    const mm = await inspectActivations(m, d, { ...base, observer: 'minmax' }, 'fc2', 64);
    const pc = await inspectActivations(
      m,
      d,
      { ...base, observer: 'percentile', percentile: 99.9 },
      'fc2',
      64,
    );
    expect(mm.clippedFraction).toBe(0);
    expect(mm.count).toBe(256 * 300);
    expect(pc.clip.max).toBeLessThan(mm.clip.max);
    expect(pc.clippedFraction).toBeGreaterThan(0);
    expect(pc.clippedFraction).toBeLessThan(0.01);
  });

  it('leaks no tensors across repeated quantized evaluations', async () => {
    await accuracy(settings({ bits: 4 }), { ...DEFAULT_CONFIG.acts, bits: 8, calibration: 64 });
    const before = tf.memory().numTensors;
    for (const bits of [2, 5, 8])
      await accuracy(settings({ bits }), { ...DEFAULT_CONFIG.acts, bits: 8, calibration: 64 });
    await accuracy(null);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('symmetric restricted vs full range on the shipped MNIST MLP', () => {
  // At 2 bits per tensor the restricted grid is {−1, 0, 1}·max|w|: every weight below max|w|/2 in
  // magnitude becomes 0, nearly all of them. torch's full-range grid {−2, −1, 0, 1}·max|w|/1.5
  // keeps those above max|w|/3 (253 vs 1,469 of 2,000 correct, as torch computes on this model).
  it('2-bit per-tensor weights: the full range keeps the model, the restricted one collapses', async () => {
    expect(await accuracy(settings({ bits: 2, symRange: 'restricted' }))).toBeLessThan(0.2);
    expect(await accuracy(settings({ bits: 2, symRange: 'full' }))).toBeGreaterThan(0.6);
  });

  it('8-bit weights: both conventions stay within half a point of float', async () => {
    const float = await accuracy(null);
    for (const symRange of ['restricted', 'full'] as const)
      expect(Math.abs((await accuracy(settings({ bits: 8, symRange }))) - float)).toBeLessThan(
        0.005,
      );
  });

  it('calibrates symmetric activations in the chosen range, cached apart', async () => {
    const acts = { ...DEFAULT_CONFIG.acts, bits: 4, scheme: 'symmetric' as const, calibration: 64 };
    const full = { ...acts, symRange: 'full' as const };
    expect(calibrationKey(m, full)).not.toBe(calibrationKey(m, acts));
    const qR = await actQuantizers(m, d, acts, {});
    const qF = await actQuantizers(m, d, full, {});
    expect(qF.size).toBe(3);
    for (const [name, r] of qR) {
      const f = qF.get(name)!;
      expect([r.qmin, r.qmax, f.qmin, f.qmax]).toEqual([-7, 7, -8, 7]);
      // The same observed range: scale max|x|/7 vs max|x|/7.5.
      expect(f.scale).toBeCloseTo((r.scale * 7) / 7.5, 6);
    }
  });
});
