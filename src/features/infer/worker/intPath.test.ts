import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { ActQuant, WeightQuant } from '../../../platform/shared/config';
import { compressSettings } from '../../compress';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import type { EvalRequest } from '../../../platform/worker/engine';
import { instantiateKernels } from './kernels';
import type { IntKernels } from './kernels';
import { intPlanFor } from './intPlan';
import { intLogits, residentImages } from './run';
import { argmaxRows } from '../../model';
import { floatPredict, floatTopClasses } from './floatPath';
import { testPixels } from './pixels';

/**
 * The whole integer path on the shipped MNIST models against the app's fake-quant float path
 * (the same request evaluated with tfjs, as engine.evaluate does): same quantized weights and
 * activation grids, so the predictions agree except where a float32 sum lands within rounding
 * error of a code boundary. The counts are printed; the test allows 2 of 2,000.
 */
let k: IntKernels;
const models = new Map<string, { m: LoadedModel; d: LoadedDataset }>();

beforeAll(async () => {
  await tf.setBackend('wasm');
  k = await instantiateKernels(readFileSync(new URL('./intkernels.wasm', import.meta.url)));
  const d = loadShippedDataset('mnist');
  for (const arch of ['mlp', 'cnn'] as const)
    models.set(arch, { m: await loadShippedModel('mnist', arch), d });
});

afterAll(() => {
  for (const { m } of models.values()) m.model.dispose();
  models.get('mlp')?.d.testX.dispose();
});

const request = (w: Partial<WeightQuant>, a: Partial<ActQuant>): EvalRequest => ({
  weights: compressSettings({ ...DEFAULT_CONFIG, weights: { ...DEFAULT_CONFIG.weights, ...w } }),
  acts: { ...DEFAULT_CONFIG.acts, ...a },
});

async function compare(arch: 'mlp' | 'cnn', req: EvalRequest) {
  const { m, d } = models.get(arch)!;
  const { plan } = await intPlanFor(m, d, req);
  const images = residentImages(k, 'mnist', await testPixels(d), d.testLabels.length);
  const int = argmaxRows(intLogits(k, plan, images), plan.classes);
  const float = await floatTopClasses(m, d, await floatPredict(m, d, req));
  let differ = 0;
  let intCorrect = 0;
  let floatCorrect = 0;
  for (let i = 0; i < int.length; i++) {
    if (int[i] !== float[i]) differ++;
    if (int[i] === d.testLabels[i]) intCorrect++;
    if (float[i] === d.testLabels[i]) floatCorrect++;
  }
  return { plan, differ, intCorrect, floatCorrect, count: int.length };
}

const CASES: [string, Partial<WeightQuant>, Partial<ActQuant>][] = [
  ['W8A8 per-tensor symmetric', { bits: 8 }, { bits: 8 }],
  ['W8A8 per-channel symmetric', { bits: 8, granularity: 'channel' }, { bits: 8 }],
  ['W8A8 per-tensor affine weights', { bits: 8, scheme: 'affine' }, { bits: 8 }],
  ['W4A8 per-channel', { bits: 4, granularity: 'channel' }, { bits: 8 }],
  ['W4A8 per-tensor', { bits: 4 }, { bits: 8 }],
  ['binary weights, A8 symmetric', { bits: 1, granularity: 'channel' }, { bits: 8, scheme: 'symmetric' }], // prettier-ignore
  ['ternary weights, A4 affine', { bits: 2, ternary: true }, { bits: 4 }],
];

describe.each(['mlp', 'cnn'] as const)('integer path on the shipped mnist-%s', (arch) => {
  it.each(CASES)('%s: the fake-quant predictions, up to rounding', async (label, w, a) => {
    const r = await compare(arch, request(w, a));
    console.info(
      `mnist-${arch} ${label}: ${r.differ} of ${r.count} predictions differ; correct int ${r.intCorrect}, float ${r.floatCorrect}`,
    );
    expect(r.plan.approximations).toEqual([]);
    expect(r.count).toBe(2000);
    expect(r.differ).toBeLessThanOrEqual(2);
    expect(Math.abs(r.intCorrect - r.floatCorrect) / r.count).toBeLessThanOrEqual(0.002);
  });

  it('runs weights-only configs with 8-bit activations, and says so', async () => {
    const r = await compare(arch, request({ bits: 8 }, { bits: 0 }));
    expect(r.plan.approximations).toEqual([
      'activations run as 8-bit integers (calibrated); the float path keeps them float',
    ]);
    // Not exact, but W8A8 is within a few images of W8 float activations.
    expect(Math.abs(r.intCorrect - r.floatCorrect) / r.count).toBeLessThanOrEqual(0.005);
  });
});

describe('integer path on pruned weights', () => {
  it('keeps pruned binary weights at 0 (mask re-applied to the codes)', async () => {
    const req: EvalRequest = {
      weights: compressSettings({
        ...DEFAULT_CONFIG,
        weights: { ...DEFAULT_CONFIG.weights, bits: 1 },
        prune: { ...DEFAULT_CONFIG.prune, method: 'magnitude', sparsity: 0.6 },
      }),
      acts: { ...DEFAULT_CONFIG.acts, bits: 8 },
    };
    const r = await compare('mlp', req);
    expect(r.plan.approximations).toEqual([]);
    expect(r.differ).toBeLessThanOrEqual(2);
  });
});

describe('integer plans', () => {
  it('run float and k-means layers as 8-bit per-channel integers, and say which', async () => {
    const { m, d } = models.get('mlp')!;
    const req: EvalRequest = {
      weights: compressSettings({
        ...DEFAULT_CONFIG,
        weights: { ...DEFAULT_CONFIG.weights, bits: 4 },
        overrides: { fc2: 0 },
      }),
      acts: { ...DEFAULT_CONFIG.acts, bits: 8 },
    };
    const { plan } = await intPlanFor(m, d, req);
    expect(plan.approximations).toEqual([
      'fc2: its input runs as 8-bit integers, float in the float path',
      'fc2: float weights run as 8-bit per-channel integers',
    ]);
  });

  it('chunking does not change the logits', async () => {
    const { m, d } = models.get('cnn')!;
    const { plan } = await intPlanFor(m, d, request({ bits: 8 }, { bits: 8 }));
    const images = residentImages(k, 'mnist', await testPixels(d), d.testLabels.length);
    const a = intLogits(k, plan, images, { start: 10, count: 37, chunk: 37 });
    const b = intLogits(k, plan, images, { start: 10, count: 37, chunk: 5 });
    const one = intLogits(k, plan, images, { start: 20, count: 1 });
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(one)).toEqual(Array.from(a.subarray(100, 110)));
  });

  it.each([
    ['mlp', 'W8A8', request({ bits: 8 }, { bits: 8 })],
    [
      'mlp',
      'ternary weights, A4 affine (input through a LUT)',
      request({ bits: 2, ternary: true }, { bits: 4 }),
    ],
    ['cnn', 'W8A8', request({ bits: 8 }, { bits: 8 })],
  ] as const)('the block order does not change mnist-%s %s logits', async (arch, _label, req) => {
    const { m, d } = models.get(arch)!;
    const { plan } = await intPlanFor(m, d, req);
    const images = residentImages(k, 'mnist', await testPixels(d), d.testLabels.length);
    const given = intLogits(k, plan, images, { inOrder: true });
    const blocked = intLogits(k, plan, images);
    const order = images.blocked!;
    expect(order.length).toBe(images.count);
    expect(order.some((v, i) => v !== i)).toBe(true);
    expect(Array.from(blocked)).toEqual(Array.from(given));
    // Made once per test set: another instance of the kernels shares it.
    const k2 = await instantiateKernels(
      readFileSync(new URL('./intkernels.wasm', import.meta.url)),
    );
    expect(residentImages(k2, 'mnist', await testPixels(d), d.testLabels.length).blocked).toBe(
      order,
    );
    // A range (one worker's share of a split), in chunks that end inside the range.
    const part = intLogits(k, plan, images, { start: 333, count: 901, chunk: 100 });
    expect(Array.from(part)).toEqual(Array.from(given.subarray(333 * 10, 1234 * 10)));
  });

  it('keeps one plan resident: plans taking turns give the same logits, and memory does not grow', async () => {
    const { m, d } = models.get('mlp')!;
    const images = residentImages(k, 'mnist', await testPixels(d), d.testLabels.length);
    const a = (await intPlanFor(m, d, request({ bits: 8 }, { bits: 8 }))).plan;
    const b = (await intPlanFor(m, d, request({ bits: 3 }, { bits: 8 }))).plan;
    const la = intLogits(k, a, images, { count: 50 });
    const lb = intLogits(k, b, images, { count: 50 });
    expect(Array.from(lb)).not.toEqual(Array.from(la));
    const used = k.usedBytes;
    for (let i = 0; i < 5; i++) {
      expect(Array.from(intLogits(k, a, images, { count: 50 }))).toEqual(Array.from(la));
      expect(Array.from(intLogits(k, b, images, { count: 50 }))).toEqual(Array.from(lb));
    }
    expect(k.usedBytes).toBe(used);
    // A test set added later goes below the plan, which is uploaded again on its next run.
    const other = residentImages(
      k,
      'other',
      Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 256),
      3,
    );
    expect(other.ptr).toBeLessThan(used);
    expect(Array.from(intLogits(k, b, images, { count: 50 }))).toEqual(Array.from(lb));
  });
});
