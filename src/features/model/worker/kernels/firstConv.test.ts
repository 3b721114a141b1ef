import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../platform/shared/random';
import { enableRelaxedSimd, kernelBuild } from '../../../../testing/kernels';
import { loadShippedDataset, loadShippedModel } from '../../../../testing/shipped';
import { useFirstConvKernels } from './firstConv';
import type { FirstConvKernels } from './firstConv';

/**
 * The first-convolution kernel against tfjs's own (XNNPACK) FusedConv2D on the wasm backend:
 * every output float equal to the bit, on the shipped CNNs' first layers over real test images
 * and on random single-channel layers of other shapes; layers it does not take still run (on
 * the original kernel). Both builds of the kernel module: the float kernel uses no relaxed
 * instruction, so Node runs the relaxed build's copy too (its integer dot product is what Node 20
 * gets wrong).
 */
const builds = enableRelaxedSimd()
  ? (['simd128', 'relaxed-simd'] as const)
  : (['simd128'] as const);

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});
afterAll(() => useFirstConvKernels(null));

/** `f` run on tfjs's kernel, then on ours; the two outputs' bits, and how often ours ran. */
function both(
  k: FirstConvKernels,
  f: () => tf.Tensor,
): { ref: Uint32Array; ours: Uint32Array; calls: number } {
  const bits = (t: tf.Tensor) => {
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return new Uint32Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  };
  useFirstConvKernels(null);
  const ref = bits(f());
  let calls = 0;
  const counted = {
    ...k,
    fn: {
      ik_fconv1: (...args: number[]) => {
        calls++;
        k.fn.ik_fconv1(...args);
      },
    },
  };
  useFirstConvKernels(counted);
  const ours = bits(f());
  useFirstConvKernels(null);
  return { ref, ours, calls };
}

function firstDifference(a: Uint32Array, b: Uint32Array): string {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `at ${i}: ${a[i]} vs ${b[i]}`;
  return 'none';
}

describe.each(builds)('the first-convolution kernel (%s build)', (path) => {
  let k: FirstConvKernels;
  beforeAll(async () => {
    k = await kernelBuild(path);
  });

  it.each(['mnist', 'fashion'] as const)(
    "computes the shipped %s CNN's first layer as tfjs does, to the bit",
    async (dataset) => {
      const m = await loadShippedModel(dataset, 'cnn');
      const d = loadShippedDataset(dataset);
      const conv1 = m.layers[0]!;
      expect(conv1.getClassName()).toBe('Conv2D');
      const x = d.testX.slice(0, 500);
      const { ref, ours, calls } = both(k, () => conv1.apply(x) as tf.Tensor);
      x.dispose();
      expect(calls).toBeGreaterThan(0);
      expect(ours.length).toBe(500 * 28 * 28 * 16);
      expect(firstDifference(ours, ref)).toBe('none');
      // And the whole model's logits, batch by batch as the app evaluates.
      const xs = d.testX.slice(500, 200);
      const whole = both(k, () => m.model.predict(xs, { batchSize: 64 }) as tf.Tensor);
      xs.dispose();
      expect(whole.calls).toBeGreaterThan(0);
      expect(firstDifference(whole.ours, whole.ref)).toBe('none');
    },
  );

  const rand = mulberry32(2024);
  const cases = [
    { b: 3, h: 9, w: 7, kh: 3, kw: 3, n: 16, pad: 'same', act: 'relu' },
    { b: 2, h: 8, w: 11, kh: 5, kw: 5, n: 32, pad: 'valid', act: 'linear' },
    { b: 5, h: 6, w: 6, kh: 4, kw: 2, n: 48, pad: 'same', act: 'linear' },
    { b: 1, h: 13, w: 5, kh: 2, kw: 5, n: 16, pad: 'valid', act: 'relu' },
    { b: 4, h: 28, w: 28, kh: 1, kw: 1, n: 16, pad: 'same', act: 'relu' },
  ] as const;
  it.each(cases)(
    'equals tfjs on a random $kh×$kw layer of $n filters over $h×$w images ($pad, $act)',
    ({ b, h, w, kh, kw, n, pad, act }) => {
      const values = (count: number) =>
        Float32Array.from({ length: count }, () => (rand() - 0.5) * (rand() < 0.1 ? 0 : 4));
      const x = tf.tensor4d(values(b * h * w), [b, h, w, 1]);
      const filter = tf.tensor4d(values(kh * kw * n), [kh, kw, 1, n]);
      const bias = tf.tensor1d(values(n));
      const { ref, ours, calls } = both(k, () =>
        tf.fused.conv2d({ x, filter, bias, strides: 1, pad, activation: act }),
      );
      tf.dispose([x, filter, bias]);
      expect(calls).toBe(1);
      expect(firstDifference(ours, ref)).toBe('none');
    },
  );

  it('falls back to tfjs, freeing its output, when the kernel module has no memory to give', () => {
    const x = tf.randomUniform([2, 12, 12, 1], -1, 1, 'float32', 6) as tf.Tensor4D;
    const filter = tf.randomUniform([5, 5, 1, 16], -1, 1, 'float32', 7) as tf.Tensor4D;
    const bias = tf.randomUniform([16], -1, 1, 'float32', 8) as tf.Tensor1D;
    const run = () => tf.fused.conv2d({ x, filter, bias, strides: 1, pad: 'same' });
    useFirstConvKernels(null);
    const ref = run();
    const want = Array.from(ref.dataSync());
    ref.dispose();
    const full: FirstConvKernels = {
      ...k,
      alloc: () => {
        throw new RangeError('no memory');
      },
    };
    useFirstConvKernels(full);
    const ids = tf.engine().backend.numDataIds();
    const got = run();
    expect(Array.from(got.dataSync())).toEqual(want);
    got.dispose();
    // Nothing left behind in the backend: the kernel's unwritten output was freed.
    expect(tf.engine().backend.numDataIds()).toBe(ids);
    useFirstConvKernels(null);
    tf.dispose([x, filter, bias]);
  });

  it('leaves the layers it does not take to tfjs (two channels, stride 2, 8 filters, no bias)', () => {
    const x1 = tf.randomUniform([2, 10, 10, 1], -1, 1, 'float32', 1);
    const x2 = tf.randomUniform([2, 10, 10, 2], -1, 1, 'float32', 2);
    const f1 = tf.randomUniform([3, 3, 1, 16], -1, 1, 'float32', 3);
    const f2 = tf.randomUniform([3, 3, 2, 16], -1, 1, 'float32', 4);
    const f8 = tf.randomUniform([3, 3, 1, 8], -1, 1, 'float32', 5);
    const bias16 = tf.zeros([16]) as tf.Tensor1D;
    const bias8 = tf.zeros([8]) as tf.Tensor1D;
    const conv =
      (x: tf.Tensor, filter: tf.Tensor, bias: tf.Tensor1D | undefined, strides: number) => () =>
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: filter as tf.Tensor4D,
          bias,
          strides,
          pad: 'same',
        });
    const runs = [
      conv(x2, f2, bias16, 1),
      conv(x1, f1, bias16, 2),
      conv(x1, f8, bias8, 1),
      conv(x1, f1, undefined, 1),
    ];
    for (const run of runs) {
      const { ref, ours, calls } = both(k, run);
      expect(calls).toBe(0);
      expect(firstDifference(ours, ref)).toBe('none');
    }
    tf.dispose([x1, x2, f1, f2, f8, bias16, bias8]);
  });
});
