import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compressSettings } from '../../compress';
import { applySettings } from '../../compress/worker';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { goodCases } from '../shared/corpus';
import { memoryInput, readUpload } from '../shared/readModel';
import { openUploadStore } from '../store/uploadStore';
import { areDistributions, compareOutputs, fidelityApi, softmaxRows } from './fidelity';
import { loadUploadedModel } from './uploadedModel';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('comparing outputs', () => {
  it('identical outputs: full agreement, no divergence', () => {
    const o = new Float32Array([1, 2, 3, -1, 0, 5]);
    expect(compareOutputs(o, o, 2, 3)).toEqual({
      agreement: 1,
      kl: 0,
      maxKl: 0,
      outputs: 'logits',
    });
  });

  it('KL of softmaxed logits is Σ p·log(p/q), averaged over rows', () => {
    const p = new Float32Array([0, 0]); // softmax → ½, ½
    const q = new Float32Array([Math.log(3), 0]); // softmax → ¾, ¼
    const r = compareOutputs(p, q, 1, 2);
    expect(r.kl).toBeCloseTo(0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25), 6);
    // Ties go to the first class on both sides: they agree.
    expect(r.agreement).toBe(1);
  });

  it('probabilities are used as they are; a flipped top class disagrees', () => {
    const p = new Float32Array([0.9, 0.1, 0.2, 0.8]);
    const q = new Float32Array([0.4, 0.6, 0.2, 0.8]);
    expect(areDistributions(p, 2, 2)).toBe(true);
    const r = compareOutputs(p, q, 2, 2);
    expect(r.outputs).toBe('probabilities');
    expect(r.agreement).toBe(0.5);
    expect(r.maxKl).toBeCloseTo(0.9 * Math.log(0.9 / 0.4) + 0.1 * Math.log(0.1 / 0.6), 6);
    expect(r.kl).toBeCloseTo(r.maxKl / 2, 6);
  });

  it('softmax rows sum to one and keep the order', () => {
    const s = softmaxRows(new Float32Array([1000, 999, -5]), 1, 3);
    expect(s[0]! + s[1]! + s[2]!).toBeCloseTo(1, 12);
    expect(s[0]!).toBeGreaterThan(s[1]!);
  });
});

describe('fidelity of an uploaded model', () => {
  it('the uncompressed model agrees with itself; 1-bit weights diverge', async () => {
    const c = goodCases().find((x) => x.id === 'keras3-sequential')!;
    const r = await readUpload(c.files.map((f) => memoryInput(f.name, f.bytes)));
    if (!r.ok) throw new Error(r.problems[0]!.message);
    const store = await openUploadStore();
    await store.put(
      r.model,
      c.files.map((f) => ({ name: f.name, data: f.bytes.slice().buffer })),
    );
    store.close();
    const m = await loadUploadedModel('mnist', r.model.id, 2000);
    const api = fidelityApi({
      loaded: async () => [m, m.testSet!],
      supersedable: (_channel, fn) => fn(),
      applySettings,
    });
    const request = (patch: Partial<Config>) => {
      const config = { ...DEFAULT_CONFIG, ...patch } as Config;
      return { weights: compressSettings(config), acts: null };
    };
    const same = await api.uploadFidelity(
      'mnist',
      r.model.id,
      request({ weights: { ...DEFAULT_CONFIG.weights, format: 'float32' } }),
    );
    expect(same.agreement).toBe(1);
    expect(same.kl).toBe(0);
    expect(same.count).toBe(1000);
    const binary = await api.uploadFidelity(
      'mnist',
      r.model.id,
      request({ weights: { ...DEFAULT_CONFIG.weights, format: 'int', bits: 1 } }),
    );
    expect(binary.kl).toBeGreaterThan(0);
    expect(binary.agreement).toBeLessThanOrEqual(1);
    // Its agreement is the accuracy the labs show on the synthetic test set.
    applySettings(
      m,
      request({ weights: { ...DEFAULT_CONFIG.weights, format: 'int', bits: 1 } }).weights,
    );
    const top = tf.tidy(() => (m.model.predict(m.testSet!.testX) as tf.Tensor).argMax(-1));
    const predicted = await top.data();
    top.dispose();
    const labels = m.testSet!.testLabels;
    const agree = Array.from(predicted).filter((v, i) => v === labels[i]).length / labels.length;
    expect(binary.agreement).toBe(agree);
    expect(binary.source).toBe('synthetic');

    // The user's own inputs (4 values each for this [4]-input model): the same comparison on
    // them, and only them.
    const mine = Float32Array.from({ length: 5 * 4 }, (_, i) => ((i * 37) % 11) / 10);
    const own = { id: 7, values: mine, count: 5 };
    const oneBit = request({ weights: { ...DEFAULT_CONFIG.weights, format: 'int', bits: 1 } });
    const yours = await api.uploadFidelity('mnist', r.model.id, oneBit, undefined, own);
    expect(yours.source).toBe('yours');
    expect(yours.count).toBe(5);
    const outputsOn = async (weights: typeof oneBit.weights | null) => {
      applySettings(m, weights);
      const y = tf.tidy(() => m.model.predict(tf.tensor4d(mine, [5, 1, 1, 4])) as tf.Tensor);
      const v = Float32Array.from(await y.data());
      y.dispose();
      return v;
    };
    const expected = compareOutputs(await outputsOn(null), await outputsOn(oneBit.weights), 5, 2);
    expect(yours.agreement).toBe(expected.agreement);
    expect(yours.kl).toBeCloseTo(expected.kl, 12);
    // Uncompressed, on the same inputs: full agreement.
    const self = await api.uploadFidelity(
      'mnist',
      r.model.id,
      request({ weights: { ...DEFAULT_CONFIG.weights, format: 'float32' } }),
      undefined,
      own,
    );
    expect(self.agreement).toBe(1);
    expect(self.kl).toBe(0);
    // Inputs of another size are refused, not reshaped.
    await expect(
      api.uploadFidelity('mnist', r.model.id, oneBit, undefined, {
        id: 8,
        values: new Float32Array(7),
        count: 2,
      }),
    ).rejects.toThrow(RangeError);
  });
});
