// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { kernelLoader } from '../../features/infer/worker/kernelModule';
import { kernelBytes } from '../../testing/kernels';
import { compressSettings } from '../../features/compress';
import { DEFAULT_CONFIG } from '../shared/config';
import { createEarlyEngine } from './earlyEngine';
import { APP_ORIGIN, appOrigin } from '../../testing/appOrigin';
import { fetchBytes } from './assetBytes';
import type { EvalRequest, Evaluation } from './engine';
import { summarizeModel } from './modelSummary';
import type { ModelSummary } from './modelSummary';
import { loadShippedDataset, loadShippedModel } from '../../testing/shipped';
import { evaluate } from '../../features/model/worker/evaluate';
import { applySettings } from '../../features/compress/worker';

/**
 * The first-screen engine, with `fetch` serving public/ from disk by URL path as the app's origin
 * does: it answers what the tfjs path answers (the full engine's description and counts), leaves
 * its downloads for the full engine, and hands everything else over.
 */
const { fetch: fakeFetch, faults, requested } = appOrigin();

beforeAll(async () => {
  await tf.setBackend('wasm');
  vi.stubGlobal('self', { location: { origin: APP_ORIGIN } });
  vi.stubGlobal('fetch', fakeFetch);
});

afterAll(() => {
  vi.unstubAllGlobals();
});

const kernels = kernelLoader(async (path) => kernelBytes(path));
const fullEngine = () => Promise.reject(new Error('asked of the full engine'));

const W3: EvalRequest = {
  weights: compressSettings({
    ...DEFAULT_CONFIG,
    weights: { ...DEFAULT_CONFIG.weights, format: 'int', bits: 3, granularity: 'channel' },
  }),
  acts: null,
};

describe('the first-screen engine', () => {
  it('describes and evaluates a shipped model as the full engine does, from downloads it leaves for it', async () => {
    const early = createEarlyEngine(kernels);
    requested.length = 0;
    const summary = (await early.serve('describeModel', ['mnist', 'cnn'], fullEngine)) as ModelSummary; // prettier-ignore
    const part = (await early.serve('evaluate', ['mnist', 'cnn', W3, 500, 'quant', 100], fullEngine)) as Evaluation; // prettier-ignore
    const whole = (await early.serve('evaluate', ['mnist', 'cnn'], fullEngine)) as Evaluation;
    expect(whole.count).toBe(2000);
    expect(part.count).toBe(500);
    // One download per file.
    expect(new Set(requested).size).toBe(requested.length);
    // The full engine takes the same downloads: nothing is fetched again.
    const before = requested.length;
    expect((await fetchBytes('data/mnist/test-images.u8')).length).toBe(2000 * 784);
    expect(requested.length).toBe(before);

    // What the tfjs path (XNNPACK's kernels) gives.
    const m = await loadShippedModel('mnist', 'cnn');
    const d = loadShippedDataset('mnist');
    expect(summary).toEqual(summarizeModel(m.meta, d.meta, m.original));
    const { ms: _w, modelId: wholeId, ...wholeCounts } = whole;
    const { ms: _p, modelId: partId, ...partCounts } = part;
    expect([wholeId, partId]).toEqual(['mnist-cnn', 'mnist-cnn']);
    applySettings(m, null);
    expect(wholeCounts).toEqual(await evaluate(m.model, d.testX, d.testLabels));
    applySettings(m, W3.weights);
    expect(partCounts).toEqual(
      await evaluate(m.model, d.testX, d.testLabels, { limit: 500, offset: 100 }),
    );
    d.testX.dispose();
  }, 60_000);

  it('serves only shipped models with float activations; a failed load is the full engine’s to answer', async () => {
    const early = createEarlyEngine(kernels);
    const acts: EvalRequest = { weights: null, acts: { ...DEFAULT_CONFIG.acts, bits: 8 } };
    expect(early.serve('evaluate', ['mnist', 'mlp', acts], fullEngine)).toBeNull();
    expect(early.serve('evaluate', ['mnist', 'trained:x'], fullEngine)).toBeNull();
    expect(early.serve('softTargets', ['mnist', 'mlp', 3], fullEngine)).toBeNull();
    expect(early.serve('describeModel', ['cifar', 'mlp'], fullEngine)).toBeNull();
    // A missing file: the call goes to the full engine, whose answer (here, its error) is given.
    faults.set('models/fashion-mlp/weights.bin', 'missing');
    try {
      await expect(
        early.serve('describeModel', ['fashion', 'mlp'], () => Promise.reject(new Error('full'))),
      ).rejects.toThrow('full');
    } finally {
      faults.clear();
    }
    // Once the file is back, the next call loads it.
    const s = (await early.serve('describeModel', ['fashion', 'mlp'], fullEngine)) as ModelSummary;
    expect(s.id).toBe('fashion-mlp');
  }, 60_000);
});
