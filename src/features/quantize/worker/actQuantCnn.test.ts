// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { ActQuant } from '../../../platform/shared/config';
import { collectLayerInputs, evaluate, forward, imagesToTensor } from '../../model/worker';
import type { ActQParams } from '../../model/worker';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import { applyKernels, getTrain } from '../../../platform/worker/assets';
import { createObserver } from '../shared/calibration';
import { observerConfig } from '../shared/observerConfig';
import { computeQParams } from '../shared/qparams';
import { CALIBRATION_BATCH, actQuantizers, calibrate } from './calibration';

/**
 * Activation quantization on the shipped mnist-cnn (conv → pool → conv → pool → flatten → dense),
 * as the engine runs it: calibrate on training images (actQuantizers), then the layer-by-layer
 * forward pass that fake-quantizes every weighted layer's input. Weights stay float32, so only
 * the activations change. To keep the runtime modest, accuracy is measured on the first 1,000 of
 * the 2,000 shipped test images and calibration uses 256 training images.
 */
const IMAGES = 1000;
const acts = (bits: number): ActQuant => ({ ...DEFAULT_CONFIG.acts, bits, calibration: 256 });

let m: LoadedModel;
let d: LoadedDataset;

beforeAll(async () => {
  await tf.setBackend('wasm');
  m = await loadShippedModel('mnist', 'cnn');
  d = loadShippedDataset('mnist');
  applyKernels(m, '', null, null);
});

afterAll(() => {
  m.model.dispose();
  d.testX.dispose();
});

async function accuracy(actQ: ReadonlyMap<string, ActQParams> | null): Promise<number> {
  const r = await evaluate(m.model, d.testX, d.testLabels, {
    limit: IMAGES,
    ...(actQ ? { predict: (x: tf.Tensor) => forward(m.layers, x, actQ) } : {}),
  });
  expect(r.count).toBe(IMAGES);
  return r.accuracy;
}

/**
 * The inputs `forward` hands to the layers named in `watch`, over the first 200 test images:
 * each watched layer is wrapped so that it records what it is applied to.
 */
function inputsSeen(actQ: ReadonlyMap<string, ActQParams>, watch: readonly string[]) {
  const seen = new Map<string, Float32Array>();
  const layers = m.layers.map((l) =>
    watch.includes(l.name)
      ? ({
          name: l.name,
          apply: (x: tf.Tensor, kwargs: object) => {
            seen.set(l.name, (x.dataSync() as Float32Array).slice());
            return l.apply(x, kwargs);
          },
        } as unknown as tf.layers.Layer)
      : l,
  );
  tf.tidy(() => forward(layers, d.testX.slice(0, 200), actQ));
  return seen;
}

const distinct = (v: Float32Array) => new Set(v).size;

describe('activation quantization on the shipped mnist-cnn', () => {
  it('calibrates a quantizer for every conv and dense layer', async () => {
    const q = await actQuantizers(m, d, acts(8), {});
    expect([...q.keys()]).toEqual(['conv1', 'conv2', 'fc1', 'fc2', 'fc3']);
    for (const p of q.values()) expect(p.qmax - p.qmin).toBe(255);
    // A layer overridden to float keeps float inputs.
    expect([...(await actQuantizers(m, d, acts(8), { conv2: 0 })).keys()]).not.toContain('conv2');
  });

  it('8-bit activations stay within 1 point of float; 2-bit ones lose accuracy', async () => {
    const float = await accuracy(null);
    expect(float).toBeGreaterThan(0.95);
    const a8 = await accuracy(await actQuantizers(m, d, acts(8), {}));
    const a2 = await accuracy(await actQuantizers(m, d, acts(2), {}));
    expect(Math.abs(a8 - float)).toBeLessThanOrEqual(0.01);
    expect(a2).toBeLessThan(a8);
  });

  it('each quantized layer reads at most 2^bits distinct values (conv2 and fc1)', async () => {
    const watch = ['conv2', 'fc1'];
    const floatIn = inputsSeen(new Map(), watch);
    for (const bits of [8, 4, 2]) {
      const q = await actQuantizers(m, d, acts(bits), {});
      const seen = inputsSeen(q, watch);
      for (const name of watch) {
        const x = seen.get(name)!;
        // conv2 reads pool1's [14, 14, 16]; fc1 the flattened [5, 5, 32].
        expect(x.length).toBe(200 * (name === 'conv2' ? 14 * 14 * 16 : 800));
        expect(distinct(x), `${name} at ${bits} bits`).toBeLessThanOrEqual(2 ** bits);
        // More than one level is used, and the float inputs had far more: not a vacuous bound.
        expect(distinct(x)).toBeGreaterThan(1);
        expect(distinct(floatIn.get(name)!)).toBeGreaterThan(2 ** bits);
        // Every value lies on the layer's grid (code − z)·s, codes in [qmin, qmax].
        const p = q.get(name)!;
        let off = 0;
        for (const v of new Set(x)) {
          const code = Math.round(v / p.scale) + p.zeroPoint;
          const onGrid = Math.abs((code - p.zeroPoint) * p.scale - v) <= 1e-5 * (1 + Math.abs(v));
          if (!onGrid || code < p.qmin || code > p.qmax) off++;
        }
        expect(off, `${name} values off the ${bits}-bit grid`).toBe(0);
      }
    }
  });

  it.each(['movingAverageMinMax', 'percentile'] as const)(
    'calibrates as torch does, %s observing one 32-image batch at a time (whatever the forward batch)',
    async (observer) => {
      // 300 images: the last 32-image batch is 12 images, and not at a forward batch's end.
      const a: ActQuant = { ...acts(8), observer, calibration: 300 };
      const got = await calibrate(m, d, a);
      // The reference: the float model run over 32-image batches, each observed as it comes.
      const train = await getTrain(d);
      const [h, w, c] = d.meta.imageShape;
      const x = imagesToTensor(train.x.subarray(0, 300 * h * w * c), 300, d.meta.imageShape);
      const names = new Set(m.original.map((l) => l.info.name));
      const inputs = await collectLayerInputs(m.layers, x, names, CALIBRATION_BATCH);
      x.dispose();
      expect(inputs.get('conv2')).toHaveLength(Math.ceil(300 / CALIBRATION_BATCH));
      for (const [name, batches] of inputs) {
        const o = createObserver(observerConfig(a));
        for (const b of batches) o.observe(b);
        const r = o.range();
        expect(got.get(name)!.chosen).toEqual(r);
        expect(got.get(name)!.qparams).toEqual(
          computeQParams(r.min, r.max, 8, a.scheme, a.symRange),
        );
        const all = new Float32Array(batches.reduce((n, b) => n + b.length, 0));
        batches.reduce((at, b) => (all.set(b, at), at + b.length), 0);
        const samples = got.get(name)!.samples;
        expect(samples.length).toBe(all.length);
        expect(samples.every((v, i) => Object.is(v, all[i]))).toBe(true);
      }
    },
  );
});
