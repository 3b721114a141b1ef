import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../platform/shared/random';
import { enableRelaxedSimd, kernelBuild } from '../../../../testing/kernels';
import { loadShippedDataset, loadShippedModel } from '../../../../testing/shipped';
import { forward } from '../forward';
import { PrefixCache, evaluatePrefixCached } from '../prefixCache';
import { CONV_RELU_POOL, useFloatKernels } from './floatKernels';
import type { FloatKernels } from './floatKernels';

/**
 * The float kernels against tfjs's own (XNNPACK) FusedConv2D and _FusedMatMul on the wasm
 * backend: every output float equal to the bit, on the shipped models' layers over real test
 * images, on their whole forward passes, and on random layers of other shapes; what they do not
 * take still runs (on the original kernels). Both builds of the kernel module: the float kernels
 * use no relaxed instruction, so Node runs the relaxed build's copy too (its integer dot product
 * is what Node 20 gets wrong).
 */
const builds = enableRelaxedSimd()
  ? (['simd128', 'relaxed-simd'] as const)
  : (['simd128'] as const);

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});
afterAll(() => useFloatKernels(null));

/**
 * `f` run on tfjs's kernels, then `g` (`f` by default) on ours; the two outputs' bits, and how
 * often ours ran (`calls`: the convolution's, `pooled` of them with the pool fused; `gemms`: the
 * product's).
 */
function both(
  k: FloatKernels,
  f: () => tf.Tensor,
  g: () => tf.Tensor = f,
): { ref: Uint32Array; ours: Uint32Array; calls: number; pooled: number; gemms: number } {
  const bits = (t: tf.Tensor) => {
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return new Uint32Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  };
  useFloatKernels(null);
  const ref = bits(f());
  let calls = 0;
  let pooled = 0;
  let gemms = 0;
  const counted: FloatKernels = {
    ...k,
    fn: {
      ...k.fn,
      ik_fconv: (...args: number[]) => {
        calls++;
        if (args[15] === 1) pooled++;
        k.fn.ik_fconv(...args);
      },
      ik_fgemm: (...args: number[]) => {
        gemms++;
        k.fn.ik_fgemm(...args);
      },
    },
  };
  useFloatKernels(counted);
  const ours = bits(g());
  useFloatKernels(null);
  return { ref, ours, calls, pooled, gemms };
}

type Pad = 'same' | 'valid';

/** CONV_RELU_POOL on `x`, as `applyLayer` (forward.ts) runs it. */
const convReluPool = (x: tf.Tensor, filter: tf.Tensor, bias: tf.Tensor, pad: Pad) =>
  tf
    .engine()
    .runKernel(
      CONV_RELU_POOL,
      { x, filter, bias },
      { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1], activation: 'relu' },
    ) as tf.Tensor;

/** What CONV_RELU_POOL stands for, on tfjs's ops: the ReLU convolution, then the pool. */
const convThenPool = (x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, pad: Pad) =>
  tf.maxPool(
    tf.fused.conv2d({ x, filter, bias, strides: 1, pad, activation: 'relu' }),
    2,
    2,
    'valid',
  );

function firstDifference(a: Uint32Array, b: Uint32Array): string {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `at ${i}: ${a[i]} vs ${b[i]}`;
  return 'none';
}

describe.each(builds)('the float kernels (%s build)', (path) => {
  let k: FloatKernels;
  beforeAll(async () => {
    k = await kernelBuild(path);
  });

  it.each(['mnist', 'fashion'] as const)(
    "compute the shipped %s CNN's convolutions and dense layers as tfjs does, to the bit",
    async (dataset) => {
      const m = await loadShippedModel(dataset, 'cnn');
      const d = loadShippedDataset(dataset);
      const x = d.testX.slice(0, 300);
      // Each weighted layer on its real input (the layers before it run on tfjs's kernels).
      let h: tf.Tensor = x;
      const weighted = ['Conv2D', 'Conv2D', 'Dense', 'Dense', 'Dense'];
      for (const layer of m.layers) {
        const input = h;
        if (layer.getClassName() === weighted[0]) {
          const { ref, ours, calls, gemms } = both(k, () => layer.apply(input) as tf.Tensor);
          expect(layer.getClassName() === 'Conv2D' ? calls : gemms).toBeGreaterThan(0);
          expect(firstDifference(ours, ref)).toBe('none');
          weighted.shift();
        }
        h = layer.apply(input) as tf.Tensor;
        if (input !== x) input.dispose();
      }
      h.dispose();
      x.dispose();
      expect(weighted).toEqual([]);
      // And the whole model's logits, batch by batch as the app evaluates.
      const xs = d.testX.slice(500, 200);
      const whole = both(k, () => m.model.predict(xs, { batchSize: 64 }) as tf.Tensor);
      xs.dispose();
      expect(whole.calls).toBeGreaterThan(0);
      expect(whole.gemms).toBeGreaterThan(0);
      expect(firstDifference(whole.ours, whole.ref)).toBe('none');
      // The forward pass of the evaluations, each convolution and its pool in one call, against
      // the model's own predict on tfjs's kernels.
      const xf = d.testX.slice(900, 150);
      const fused = both(
        k,
        () => m.model.predict(xf) as tf.Tensor,
        () => forward(m.layers, xf, new Map()),
      );
      xf.dispose();
      // (Calls of the kernel module: a layer's images go in chunks.)
      expect(fused.calls).toBeGreaterThanOrEqual(2);
      expect(fused.pooled).toBe(fused.calls);
      expect(firstDifference(fused.ours, fused.ref)).toBe('none');
    },
  );

  it('fuse only a ReLU convolution with the 2×2 max pool after it (not a linear one, nor another pool)', () => {
    const input = tf.input({ shape: [12, 12, 2] });
    let y = tf.layers
      .conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'linear' })
      .apply(input) as tf.SymbolicTensor;
    y = tf.layers.maxPooling2d({ poolSize: 2 }).apply(y) as tf.SymbolicTensor;
    y = tf.layers
      .conv2d({ filters: 16, kernelSize: 3, padding: 'valid', activation: 'relu' })
      .apply(y) as tf.SymbolicTensor;
    y = tf.layers.maxPooling2d({ poolSize: 2, strides: 1 }).apply(y) as tf.SymbolicTensor;
    y = tf.layers
      .conv2d({ filters: 16, kernelSize: 1, activation: 'relu' })
      .apply(y) as tf.SymbolicTensor;
    y = tf.layers.maxPooling2d({ poolSize: 2 }).apply(y) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: y });
    const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    const x = tf.tensor4d(values(3 * 12 * 12 * 2), [3, 12, 12, 2]);
    const r = both(
      k,
      () => model.predict(x) as tf.Tensor,
      () => forward(layers, x, new Map()),
    );
    x.dispose();
    model.dispose();
    // Three convolutions on the kernel module; only the last, a ReLU one before a 2×2 pool of
    // stride 2, with its pool.
    expect([r.calls, r.pooled]).toEqual([3, 1]);
    expect(firstDifference(r.ours, r.ref)).toBe('none');
  });

  it('give the evaluations with quantized activations the same predictions, the pools fused', async () => {
    const m = await loadShippedModel('mnist', 'cnn');
    const d = loadShippedDataset('mnist');
    // The W·A pass: conv2's and fc1's inputs quantized; the pools' inputs are neither kept nor
    // quantized, so each convolution runs with its pool.
    const actQ = new Map([
      ['conv2', { scale: 0.02, zeroPoint: 0, qmin: 0, qmax: 255 }],
      ['fc1', { scale: 0.05, zeroPoint: 0, qmin: 0, qmax: 255 }],
    ]);
    const run = () =>
      evaluatePrefixCached(
        m.model,
        m.layers,
        d.testX,
        d.testLabels,
        actQ,
        { limit: 400 },
        new PrefixCache(),
      );
    useFloatKernels(null);
    const ref = await run();
    let pooled = 0;
    useFloatKernels({
      ...k,
      fn: {
        ...k.fn,
        ik_fconv: (...args: number[]) => {
          if (args[15] === 1) pooled++;
          k.fn.ik_fconv(...args);
        },
      },
    });
    const ours = await run();
    useFloatKernels(null);
    expect(pooled).toBeGreaterThan(0);
    expect(ours.correct).toBe(ref.correct);
    expect(Array.from(ours.confusion)).toEqual(Array.from(ref.confusion));
  });

  it.each(['mnist', 'fashion'] as const)(
    "computes the shipped %s MLP's logits as tfjs does, to the bit",
    async (dataset) => {
      const m = await loadShippedModel(dataset, 'mlp');
      const d = loadShippedDataset(dataset);
      const xs = d.testX.slice(0, 700);
      const whole = both(k, () => m.model.predict(xs, { batchSize: 256 }) as tf.Tensor);
      xs.dispose();
      expect(whole.gemms).toBeGreaterThan(0);
      expect(whole.ours.length).toBe(700 * 10);
      expect(firstDifference(whole.ours, whole.ref)).toBe('none');
    },
  );

  const rand = mulberry32(2024);
  const values = (count: number) =>
    Float32Array.from({ length: count }, () => (rand() - 0.5) * (rand() < 0.1 ? 0 : 4));
  /** A sparse input: ±0 alike, else a random value. */
  const zeroOr = (zero: boolean) => (zero ? (rand() < 0.5 ? 0 : -0) : (rand() - 0.5) * 4);
  /**
   * A sparse test's weights (`inf`: some ±Infinity) and bias (`-0`: every third −0; otherwise
   * none, since values() gives −0 now and then, which alone would send the call down the dense
   * path).
   */
  function sparseParams(count: number, n: number, w: 'random' | 'inf', bias: 'random' | '-0') {
    const weights = values(count);
    if (w === 'inf')
      for (let i = 0; i < weights.length; i += 37) weights[i] = i % 2 ? Infinity : -Infinity;
    const biasValues = values(n).map((v) => (Object.is(v, -0) ? 0.25 : v));
    if (bias === '-0') for (let j = 0; j < n; j += 3) biasValues[j] = -0;
    return { weights, biasValues };
  }
  /**
   * A convolution of `xv` by `weights` (`pool`: with its 2×2 max pool fused) on tfjs's kernels and
   * on ours: one call of ours, the same bits. Returns our output.
   */
  function sameConv(
    s: { b: number; h: number; w: number; c: number; kh: number; kw: number; n: number } & {
      pad: Pad;
      act: 'relu' | 'linear';
      pool: boolean;
    },
    xv: Float32Array,
    weights: Float32Array,
    biasValues: Float32Array,
  ): Float32Array {
    const x = tf.tensor4d(xv, [s.b, s.h, s.w, s.c]);
    const filter = tf.tensor4d(weights, [s.kh, s.kw, s.c, s.n]);
    const bias = tf.tensor1d(biasValues);
    const { pad, act } = s;
    const { ref, ours, calls, pooled } = s.pool
      ? both(
          k,
          () => convThenPool(x, filter, bias, pad),
          () => convReluPool(x, filter, bias, pad),
        )
      : both(k, () => tf.fused.conv2d({ x, filter, bias, strides: 1, pad, activation: act }));
    tf.dispose([x, filter, bias]);
    expect([calls, pooled]).toEqual([1, s.pool ? 1 : 0]);
    expect(firstDifference(ours, ref)).toBe('none');
    return new Float32Array(ours.buffer);
  }
  /** How many of filter 0's outputs (every n-th) are +0. */
  const plusZeros = (out: Float32Array, n: number) =>
    out.filter((v, i) => i % n === 0 && Object.is(v, 0)).length;

  const cases = [
    { b: 3, h: 9, w: 7, c: 1, kh: 3, kw: 3, n: 16, pad: 'same', act: 'relu' },
    { b: 2, h: 8, w: 11, c: 1, kh: 5, kw: 5, n: 32, pad: 'valid', act: 'linear' },
    { b: 5, h: 6, w: 6, c: 1, kh: 4, kw: 2, n: 48, pad: 'same', act: 'linear' },
    { b: 1, h: 13, w: 5, c: 1, kh: 2, kw: 5, n: 16, pad: 'valid', act: 'relu' },
    { b: 4, h: 28, w: 28, c: 1, kh: 1, kw: 1, n: 16, pad: 'same', act: 'relu' },
    { b: 2, h: 10, w: 10, c: 2, kh: 3, kw: 3, n: 16, pad: 'same', act: 'relu' },
    { b: 3, h: 9, w: 12, c: 3, kh: 5, kw: 3, n: 32, pad: 'valid', act: 'linear' },
    { b: 2, h: 7, w: 7, c: 16, kh: 3, kw: 3, n: 48, pad: 'same', act: 'relu' },
    { b: 1, h: 6, w: 9, c: 5, kh: 1, kw: 1, n: 16, pad: 'valid', act: 'linear' },
  ] as const;
  it.each(cases)(
    'equals tfjs on a random $kh×$kw×$c layer of $n filters over $h×$w images ($pad, $act)',
    ({ b, h, w, c, kh, kw, n, pad, act }) => {
      const x = tf.tensor4d(values(b * h * w * c), [b, h, w, c]);
      const filter = tf.tensor4d(values(kh * kw * c * n), [kh, kw, c, n]);
      const bias = tf.tensor1d(values(n));
      const { ref, ours, calls } = both(k, () =>
        tf.fused.conv2d({ x, filter, bias, strides: 1, pad, activation: act }),
      );
      tf.dispose([x, filter, bias]);
      expect(calls).toBe(1);
      expect(firstDifference(ours, ref)).toBe('none');
    },
  );

  // The convolution with its 2×2 max pool fused: odd sizes leave the last row or column out.
  const pools = [
    { b: 3, h: 9, w: 7, c: 1, kh: 3, kw: 3, n: 16, pad: 'same' },
    { b: 2, h: 12, w: 12, c: 1, kh: 5, kw: 5, n: 32, pad: 'valid' },
    { b: 2, h: 14, w: 14, c: 16, kh: 5, kw: 5, n: 32, pad: 'valid' },
    { b: 1, h: 6, w: 11, c: 3, kh: 2, kw: 4, n: 16, pad: 'same' },
    { b: 4, h: 3, w: 3, c: 2, kh: 1, kw: 1, n: 48, pad: 'valid' },
  ] as const;
  it.each(pools)(
    'fuses a ReLU $kh×$kw×$c layer of $n filters over $h×$w images ($pad) with its 2×2 max pool, as tfjs computes the two, to the bit',
    ({ b, h, w, c, kh, kw, n, pad }) => {
      const x = tf.tensor4d(values(b * h * w * c), [b, h, w, c]);
      const filter = tf.tensor4d(values(kh * kw * c * n), [kh, kw, c, n]);
      const bias = tf.tensor1d(values(n));
      const { ref, ours, calls, pooled } = both(
        k,
        () => convThenPool(x, filter, bias, pad),
        () => convReluPool(x, filter, bias, pad),
      );
      tf.dispose([x, filter, bias]);
      expect([calls, pooled]).toEqual([1, 1]);
      const [oh, ow] = pad === 'same' ? [h, w] : [h - kh + 1, w - kw + 1];
      expect(ours.length).toBe(b * Math.floor(oh / 2) * Math.floor(ow / 2) * n);
      expect(firstDifference(ours, ref)).toBe('none');
    },
  );

  /** A convolution test's row (below) as named fields: its first eleven. */
  const convCase = <
    const T extends readonly [
      string,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      Pad,
      'relu' | 'linear',
      boolean,
      ...unknown[],
    ],
  >(
    t: T,
  ) => ({
    what: t[0],
    b: t[1],
    h: t[2],
    w: t[3],
    c: t[4],
    kh: t[5],
    kw: t[6],
    n: t[7],
    pad: t[8],
    act: t[9],
    pool: t[10],
  });

  // The convolution skips inputs that are ±0 in both windows of a pair of output pixels, over
  // lists made per image row, where enough are 0 (exact where no bias is −0 and every weight is
  // finite; the kernel checks both and otherwise runs every input).
  // Each: what, images, height, width, channels, kernel height and width, filters, padding,
  // activation, pooled, bias ('-0': every third −0), weights ('inf': some ±Infinity).
  const sparseConvs = (
    [
      ['mostly ±0 inputs', 3, 14, 14, 16, 5, 5, 32, 'valid', 'relu', true, 'random', 'random'],
      ['mostly ±0 inputs', 2, 9, 11, 16, 3, 3, 16, 'same', 'linear', false, 'random', 'random'],
      ['mostly ±0 inputs', 4, 28, 28, 1, 5, 5, 16, 'same', 'relu', true, 'random', 'random'],
      ['mostly ±0 inputs', 2, 8, 7, 1, 5, 5, 32, 'same', 'linear', false, 'random', 'random'],
      ['mostly ±0 inputs', 3, 7, 10, 3, 2, 4, 48, 'valid', 'relu', false, 'random', 'random'],
      ['mostly ±0 inputs', 2, 11, 9, 6, 3, 3, 16, 'same', 'relu', true, 'random', 'random'],
      ['some dense images', 6, 12, 12, 8, 5, 5, 16, 'same', 'linear', false, 'random', 'random'],
      ['a bias with −0 entries', 2, 10, 10, 16, 3, 3, 16, 'same', 'linear', false, '-0', 'random'],
      ['weights of ±Infinity', 2, 10, 10, 4, 3, 3, 16, 'valid', 'linear', false, 'random', 'inf'],
    ] as const
  ).map((t) => ({ ...convCase(t), bias: t[11], wk: t[12] }));
  it.each(sparseConvs)(
    'equals tfjs with $what ($kh×$kw×$c, $n filters, $h×$w, $pad, $act, pooled: $pool)',
    ({ what, b, h, w, c, kh, kw, n, pad, act, pool, bias: biasKind, wk }) => {
      // 85% of the inputs ±0, whole rows of pixels ±0, the odd images dense when asked, and
      // the first image all ±0 under a −0 bias.
      const xv = Float32Array.from({ length: b * h * w * c }, (_, i) => {
        const image = Math.floor(i / (h * w * c));
        const y = Math.floor(i / (w * c)) % h;
        if (what === 'some dense images' && image % 2 === 1) return zeroOr(false);
        const blank = biasKind === '-0' && image === 0;
        return zeroOr(blank || y % 4 === 1 || rand() < 0.85);
      });
      const { weights, biasValues } = sparseParams(kh * kw * c * n, n, wk, biasKind);
      const out = sameConv({ b, h, w, c, kh, kw, n, pad, act, pool }, xv, weights, biasValues);
      // Not a trivial agreement: a window of ±0 inputs (the first image's) under a bias of −0
      // sums to +0 in tfjs (−0 + +0 is +0), where leaving its products out would keep −0; and
      // the infinite weights give NaN or ±Infinity.
      if (biasKind === '-0') expect(plusZeros(out, n)).toBeGreaterThan(0);
      if (wk === 'inf') expect(out.some((v) => !Number.isFinite(v))).toBe(true);
    },
  );

  // Where at most half the weights are nonzero (few-bit quantization), the convolution runs over
  // each filter's nonzero weights, four images at a time (exact where no bias is −0, every weight
  // is finite and every input is finite; the kernel checks all three and otherwise runs every
  // weight).
  // Each: what, images, height, width, channels, kernel height and width, filters, padding,
  // activation, pooled, weights ('sparse': 70% ±0; 'zero': all; 'inf' and '-0': sparse, with an
  // infinite input or a −0 bias).
  const sparseWeights = (
    [
      ['a partial last block of images', 5, 14, 14, 16, 5, 5, 32, 'valid', 'relu', true, 'sparse'],
      ['one channel', 7, 28, 28, 1, 5, 5, 16, 'same', 'relu', true, 'sparse'],
      ['one channel, odd widths', 3, 9, 11, 1, 3, 3, 16, 'same', 'linear', false, 'sparse'],
      ['eight channels', 4, 10, 13, 8, 3, 4, 48, 'valid', 'relu', true, 'sparse'],
      ['three channels', 2, 7, 9, 3, 2, 2, 16, 'same', 'relu', false, 'sparse'],
      ['odd last row, pooled', 6, 11, 12, 6, 3, 3, 32, 'same', 'relu', true, 'sparse'],
      ['every weight 0', 3, 8, 8, 4, 3, 3, 16, 'same', 'linear', false, 'zero'],
      ['an infinite input', 5, 9, 9, 4, 3, 3, 16, 'same', 'linear', false, 'inf'],
      ['a bias with −0 entries', 4, 8, 9, 4, 3, 3, 16, 'valid', 'linear', false, '-0'],
    ] as const
  ).map((t) => ({ ...convCase(t), kind: t[11] }));
  it.each(sparseWeights)(
    'equals tfjs with mostly zero weights and $what ($kh×$kw×$c, $n filters, $h×$w, $b images, $pad, $act, pooled: $pool)',
    ({ b, h, w, c, kh, kw, n, pad, act, pool, kind }) => {
      const xv = values(b * h * w * c);
      // Image 2's first input infinite: its products with the zero weights are NaN in tfjs.
      if (kind === 'inf') xv[2 * h * w * c] = Infinity;
      // 70% of the weights ±0, filter 0's all of them (its bias −0 in the '-0' case).
      const weights = Float32Array.from({ length: kh * kw * c * n }, (_, i) =>
        zeroOr(kind === 'zero' || i % n === 0 || rand() < 0.7),
      );
      const { biasValues } = sparseParams(0, n, 'random', kind === '-0' ? '-0' : 'random');
      const out = sameConv({ b, h, w, c, kh, kw, n, pad, act, pool }, xv, weights, biasValues);
      // Not a trivial agreement: filter 0 (no nonzero weight) under a bias of −0 sums to +0 in
      // tfjs wherever a product is +0, where leaving the products out would keep −0; the
      // infinite input gives NaN.
      if (kind === '-0') expect(plusZeros(out, n)).toBeGreaterThan(0);
      if (kind === 'inf') expect(out.some((v) => Number.isNaN(v))).toBe(true);
    },
  );

  const products = [
    { m: 20, k: 7, n: 1, act: 'relu' },
    { m: 16, k: 16, n: 16, act: 'linear' },
    { m: 17, k: 33, n: 17, act: 'relu' },
    { m: 37, k: 100, n: 10, act: 'linear' },
    { m: 64, k: 784, n: 300, act: 'relu' },
    { m: 19, k: 300, n: 100, act: 'relu' },
  ] as const;
  it.each(products)(
    'equals tfjs on a random $m×$k by $k×$n product with a bias ($act)',
    ({ m, k: depth, n, act }) => {
      const a = tf.tensor2d(values(m * depth), [m, depth]);
      const b = tf.tensor2d(values(depth * n), [depth, n]);
      const bias = tf.tensor1d(values(n));
      const { ref, ours, gemms } = both(k, () => tf.fused.matMul({ a, b, bias, activation: act }));
      tf.dispose([a, b, bias]);
      expect(gemms).toBeGreaterThan(0);
      expect(ours.length).toBe(m * n);
      expect(firstDifference(ours, ref)).toBe('none');
    },
  );

  /**
   * The product of `av` [m][depth] by `weights` [depth][n] with a bias on tfjs's kernels and on
   * ours: ours ran, the same bits. Returns our output.
   */
  function sameProduct(
    s: { m: number; depth: number; n: number; act: 'relu' | 'linear' },
    av: Float32Array,
    weights: Float32Array,
    biasValues: Float32Array,
  ): Float32Array {
    const a = tf.tensor2d(av, [s.m, s.depth]);
    const b = tf.tensor2d(weights, [s.depth, s.n]);
    const bias = tf.tensor1d(biasValues);
    const { act } = s;
    const { ref, ours, gemms } = both(k, () => tf.fused.matMul({ a, b, bias, activation: act }));
    tf.dispose([a, b, bias]);
    expect(gemms).toBeGreaterThan(0);
    expect(firstDifference(ours, ref)).toBe('none');
    return new Float32Array(ours.buffer);
  }

  // The product skips inputs that are ±0 in both rows of a pair (exact where no bias is −0 and
  // every weight is finite; the kernel checks both and otherwise runs every input).
  const sparse = [
    {
      what: 'mostly +0 and −0 inputs',
      m: 64,
      k: 784,
      n: 300,
      act: 'relu',
      bias: 'random',
      w: 'random',
    },
    {
      what: 'mostly +0 and −0 inputs',
      m: 33,
      k: 120,
      n: 84,
      act: 'linear',
      bias: 'random',
      w: 'random',
    },
    { what: 'a bias with −0 entries', m: 40, k: 64, n: 16, act: 'linear', bias: '-0', w: 'random' },
    { what: 'weights of ±Infinity', m: 40, k: 64, n: 20, act: 'linear', bias: 'random', w: 'inf' },
    {
      what: 'dense first rows, then sparse',
      m: 400,
      k: 64,
      n: 16,
      act: 'relu',
      bias: 'random',
      w: 'random',
    },
  ] as const;
  it.each(sparse)(
    'equals tfjs with $what ($m×$k by $k×$n, $act)',
    ({ what, m, k: depth, n, act, bias: biasKind, w }) => {
      // 85% of the inputs ±0, and all of rows 2 and 3 (a pair the product takes together).
      const av = Float32Array.from({ length: m * depth }, (_, i) => {
        const row = Math.floor(i / depth);
        if (what.startsWith('dense first') && row < 200) return zeroOr(false);
        return zeroOr(row >> 1 === 1 || rand() < 0.85);
      });
      const { weights, biasValues } = sparseParams(depth * n, n, w, biasKind);
      const out = sameProduct({ m, depth, n, act }, av, weights, biasValues);
      // Not a trivial agreement: a row of all ±0 (row 3) under a bias of −0 (column 0) sums to +0
      // in tfjs (−0 + +0 is +0), where leaving its products out would keep −0; and the infinite
      // weights give NaN or ±Infinity.
      if (biasKind === '-0') expect(Object.is(out[3 * n], 0)).toBe(true);
      if (w === 'inf') expect(out.some((v) => !Number.isFinite(v))).toBe(true);
    },
  );

  // Where at most half the weights are nonzero, at least four a row of inputs, and fewer than
  // three quarters as many as the inputs are, the product runs over each column's nonzero
  // weights, four rows to a vector (exact where ik_fpack finds the weights safe and every input is
  // finite; otherwise, and with an infinite input, every weight runs).
  // Each: what, rows, depth, columns, activation, share of ±0 weights, an infinite input.
  const sparseProducts = (
    [
      ['a pruned layer', 64, 784, 300, 'relu', 0.9, false],
      ['an odd depth and width', 17, 33, 17, 'linear', 0.7, false],
      ['rows over three blocks', 61, 100, 20, 'relu', 0.7, false],
      ['an infinite input', 20, 64, 32, 'linear', 0.8, true],
    ] as const
  ).map(([what, m, depth, n, act, zeros, inf]) => ({ what, m, depth, n, act, zeros, inf }));
  it.each(sparseProducts)(
    'equals tfjs with mostly zero weights and $what ($m×$depth by $depth×$n, $act)',
    ({ m, depth, n, act, zeros, inf }) => {
      const av = values(m * depth);
      // Row 3's input 5 infinite: its products with the zero weights are NaN in tfjs.
      if (inf) av[3 * depth + 5] = Infinity;
      const weights = Float32Array.from({ length: depth * n }, () => zeroOr(rand() < zeros));
      const { biasValues } = sparseParams(0, n, 'random', 'random');
      const out = sameProduct({ m, depth, n, act }, av, weights, biasValues);
      if (inf) expect(out.some((v) => Number.isNaN(v))).toBe(true);
    },
  );

  it('fall back to tfjs, freeing their outputs, when the kernel module has no memory to give', () => {
    const x = tf.randomUniform([2, 12, 12, 1], -1, 1, 'float32', 6) as tf.Tensor4D;
    const filter = tf.randomUniform([5, 5, 1, 16], -1, 1, 'float32', 7) as tf.Tensor4D;
    const bias = tf.randomUniform([16], -1, 1, 'float32', 8) as tf.Tensor1D;
    const a = tf.randomUniform([19, 20], -1, 1, 'float32', 9) as tf.Tensor2D;
    const b = tf.randomUniform([20, 16], -1, 1, 'float32', 10) as tf.Tensor2D;
    // Each run, and what it computes on tfjs's own kernels (the fused convolution and pool: the
    // two of them).
    const conv = () => tf.fused.conv2d({ x, filter, bias, strides: 1, pad: 'same' });
    const product = () => tf.fused.matMul({ a, b, bias, activation: 'relu' });
    const runs: [() => tf.Tensor, () => tf.Tensor][] = [
      [conv, conv],
      [product, product],
      [() => convReluPool(x, filter, bias, 'same'), () => convThenPool(x, filter, bias, 'same')],
    ];
    const full: FloatKernels = {
      ...k,
      alloc: () => {
        throw new RangeError('no memory');
      },
    };
    for (const [run, reference] of runs) {
      useFloatKernels(null);
      const ref = reference();
      const want = Array.from(ref.dataSync());
      ref.dispose();
      useFloatKernels(full);
      const ids = tf.engine().backend.numDataIds();
      const got = run();
      expect(Array.from(got.dataSync())).toEqual(want);
      got.dispose();
      // Nothing left behind in the backend: the kernel's unwritten output was freed.
      expect(tf.engine().backend.numDataIds()).toBe(ids);
      useFloatKernels(null);
    }
    tf.dispose([x, filter, bias, a, b]);
  });

  it('leave what they do not take to tfjs (stride 2, 8 filters, no bias, transposed, few rows)', () => {
    const x1 = tf.randomUniform([2, 10, 10, 1], -1, 1, 'float32', 1);
    const x2 = tf.randomUniform([2, 10, 10, 2], -1, 1, 'float32', 2);
    const f1 = tf.randomUniform([3, 3, 1, 16], -1, 1, 'float32', 3);
    const f8 = tf.randomUniform([3, 3, 2, 8], -1, 1, 'float32', 5);
    const bias16 = tf.zeros([16]) as tf.Tensor1D;
    const bias8 = tf.zeros([8]) as tf.Tensor1D;
    const a = tf.randomUniform([18, 16], -1, 1, 'float32', 11) as tf.Tensor2D;
    const few = tf.randomUniform([3, 16], -1, 1, 'float32', 13) as tf.Tensor2D;
    const b = tf.randomUniform([16, 16], -1, 1, 'float32', 12) as tf.Tensor2D;
    const aT = tf.transpose(a);
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
      conv(x1, f1, bias16, 2),
      conv(x2, f8, bias8, 1),
      conv(x1, f1, undefined, 1),
      () => tf.fused.matMul({ a, b }),
      () => tf.fused.matMul({ a, b, bias: bias16, transposeB: true }),
      () => tf.fused.matMul({ a: aT, b, bias: bias16, transposeA: true }),
      () => tf.fused.matMul({ a: few, b, bias: bias16 }),
    ];
    for (const run of runs) {
      const { ref, ours, calls, gemms } = both(k, run);
      expect(calls + gemms).toBe(0);
      expect(firstDifference(ours, ref)).toBe('none');
    }
    // A convolution with its pool that the kernel does not take (8 filters): tfjs's two kernels.
    const pooled = both(
      k,
      () => convThenPool(x2 as tf.Tensor4D, f8 as tf.Tensor4D, bias8, 'same'),
      () => convReluPool(x2, f8, bias8, 'same'),
    );
    expect(pooled.calls).toBe(0);
    expect(pooled.ours.length).toBe(2 * 5 * 5 * 8);
    expect(firstDifference(pooled.ours, pooled.ref)).toBe('none');
    tf.dispose([x1, x2, f1, f8, bias16, bias8, a, aT, few, b]);
  });
});
