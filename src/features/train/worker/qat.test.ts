import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { ActQuantSchema } from '../../../platform/shared/config';
import { quantizeWeights } from '../../quantize';
import type { WeightQuantSpec } from '../../quantize';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import { calibrate } from '../../quantize/worker';
import { steMask } from '../shared/ste';
import { createNet, disposeNet } from './net';
import { ActRanges, disposeKernels, quantizeKernels } from './qat';

let m: LoadedModel;
let d: LoadedDataset;

beforeAll(async () => {
  await tf.setBackend('cpu');
  m = await loadShippedModel('mnist', 'mlp');
  d = loadShippedDataset('mnist');
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

const SPECS: WeightQuantSpec[] = [
  { kind: 'uniform', bits: 2, scheme: 'symmetric', perChannel: false },
  { kind: 'uniform', bits: 2, scheme: 'symmetric', symRange: 'full', perChannel: true },
  { kind: 'uniform', bits: 3, scheme: 'affine', perChannel: true },
  { kind: 'uniform', bits: 4, scheme: 'affine', perChannel: false },
  { kind: 'uniform', bits: 8, scheme: 'symmetric', perChannel: true },
  {
    kind: 'uniform',
    bits: 4,
    scheme: 'symmetric',
    perChannel: false,
    rounding: 'stochastic',
    seed: 3,
  },
  { kind: 'binary', perChannel: true },
  { kind: 'ternary', perChannel: false },
  { kind: 'float16' },
];

/** Elements whose float32 bit patterns differ (so −0 vs +0 and NaN payloads count too). */
function mismatches(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (x[i] !== y[i]) n++;
  return n;
}

describe('QAT weight quantization', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`runs exactly the post-training quantizer’s weights (${backend})`, async () => {
      await tf.setBackend(backend);
      const net = createNet(m.model, m.original);
      const before = tf.memory().numTensors;
      for (const spec of SPECS) {
        const kernels = await quantizeKernels(net, spec, []);
        for (const [i, w] of m.original.entries()) {
          const ptq = quantizeWeights(w.kernel, w.info.kernelShape, spec);
          const values = (await kernels[i]!.values.data()) as Float32Array;
          const pass = await kernels[i]!.pass.data();
          const passRef = steMask(w.kernel, spec, ptq.tensor);
          expect(mismatches(values, ptq.values)).toBe(0);
          let passDiff = 0;
          for (let j = 0; j < pass.length; j++) if (pass[j] !== passRef[j]) passDiff++;
          expect(passDiff).toBe(0);
        }
        disposeKernels(kernels);
      }
      expect(tf.memory().numTensors).toBe(before);
      disposeNet(net);
    });
  }

  it('keeps a sparse model’s zeros at 0 under binary (which maps 0 to +α)', async () => {
    await tf.setBackend('cpu');
    const sparse = m.original.map((w) => ({
      ...w,
      kernel: w.kernel.map((v, i) => (i % 3 === 0 ? 0 : v)),
    }));
    const net = createNet(m.model, sparse);
    const masks = sparse.map((w) => Uint8Array.from(w.kernel, (v) => (v === 0 ? 0 : 1)));
    const kernels = await quantizeKernels(net, { kind: 'binary', perChannel: false }, masks);
    const fc1 = await kernels[0]!.values.data();
    expect(fc1[0]).toBe(0);
    expect(fc1[1]).not.toBe(0);
    disposeKernels(kernels);
    disposeNet(net);
  });
});

describe('QAT activation ranges', () => {
  it('start from the lab’s calibration', async () => {
    await tf.setBackend('cpu');
    const acts = ActQuantSchema.parse({ bits: 8, calibration: 64, observer: 'minmax' });
    const lab = await calibrate(m, d, acts);
    const train = await d.train!;
    const net = createNet(m.model, m.original);
    const ranges = await ActRanges.calibrate(net, acts, train.x, [28, 28, 1], () => false);
    for (const [i, name] of ['fc1', 'fc2', 'fc3'].entries()) {
      const ours = ranges.qparams(i);
      const theirs = lab.get(name)!.qparams;
      expect(ours.qmin).toBe(theirs.qmin);
      expect(ours.zeroPoint).toBe(theirs.zeroPoint);
      expect(ours.scale).toBeCloseTo(theirs.scale, 6);
    }
    disposeNet(net);
  });

  it('move toward each batch’s range by 1%, in float32', () => {
    const acts = ActQuantSchema.parse({ bits: 8 });
    const r = new ActRanges(acts, [{ min: 0, max: 10 }]);
    r.update([{ min: -10, max: 20 }]);
    const s = r.qparams(0);
    // [−0.1, 10.1] affine 8-bit: scale = 10.2/255
    expect(s.scale).toBe(Math.fround(Math.fround(Math.fround(10.1) + Math.fround(0.1)) / 255));
  });
});
