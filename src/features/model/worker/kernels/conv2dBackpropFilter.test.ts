// @vitest-environment node
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BATCH_MAT_MUL,
  CONV2D_BACKPROP_FILTER,
  CONV2D_BACKPROP_INPUT,
  backpropFilterGeometry,
  conv2dBackpropFilterImpl,
  registerWasmTrainingKernels,
} from './conv2dBackpropFilter';

type Pad =
  | 'same'
  | 'valid'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 28, 28, 1], filter: [5, 5, 1, 6], strides: 1, pad: 'same' }, // LeNet conv1
  { x: [3, 14, 14, 6], filter: [5, 5, 6, 16], strides: 1, pad: 'valid' }, // LeNet conv2
  { x: [2, 9, 11, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' }, // odd sizes, asymmetric 'same' padding
  { x: [2, 10, 7, 2], filter: [3, 2, 2, 5], strides: [2, 3], pad: 'valid' },
  { x: [1, 8, 8, 4], filter: [4, 4, 4, 3], strides: 2, pad: 'same' }, // even filter
  { x: [2, 6, 5, 2], filter: [3, 3, 2, 2], strides: 1, pad: 1 }, // numeric padding
  {
    x: [2, 7, 6, 3],
    filter: [3, 3, 3, 2],
    strides: [1, 2],
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  }, // explicit padding
  { x: [1, 5, 5, 1], filter: [5, 5, 1, 1], strides: 1, pad: 'valid' }, // 1x1 output
];

function seededValues(n: number, seed: number, zeroFraction = 0): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 4294967296;
    out[i] = u < zeroFraction ? 0 : u * 2 - 1;
  }
  return out;
}

function outShape(c: Case): [number, number, number, number] {
  const { geometry: g } = backpropFilterGeometry(c.x, {
    strides: c.strides,
    pad: c.pad,
    dataFormat: 'NHWC',
    filterShape: c.filter,
  });
  return [g.batch, g.outHeight, g.outWidth, g.outChannels];
}

async function runOn(backend: 'cpu' | 'wasm', f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const t = tf.tidy(f);
  const values = (await t.data()) as Float32Array;
  t.dispose();
  return values.slice();
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
});

describe('registerWasmTrainingKernels', () => {
  it('registers the kernels once and is idempotent', () => {
    expect(tf.getKernel(CONV2D_BACKPROP_FILTER, 'wasm')).toBeDefined();
    expect(tf.getKernel(CONV2D_BACKPROP_INPUT, 'wasm')).toBeDefined();
    expect(tf.getKernel(BATCH_MAT_MUL, 'wasm')).toBeDefined();
    expect(registerWasmTrainingKernels()).toEqual([]);
    expect(registerWasmTrainingKernels()).toEqual([]);
  });
});

describe.each(CASES)('x $x, filter $filter, strides $strides, pad $pad', (c) => {
  const x = seededValues(
    c.x.reduce((a, b) => a * b, 1),
    1,
    0.3,
  );
  const filter = seededValues(
    c.filter.reduce((a, b) => a * b, 1),
    2,
  );
  const dyShape = outShape(c);
  const dy = seededValues(
    dyShape.reduce((a, b) => a * b, 1),
    3,
    0.2,
  );
  const attrsFilter = {
    strides: c.strides,
    pad: c.pad,
    dataFormat: 'NHWC',
    filterShape: c.filter,
  } as unknown as tf.NamedAttrMap;
  const attrsInput = {
    strides: c.strides,
    pad: c.pad,
    dataFormat: 'NHWC',
    inputShape: c.x,
  } as unknown as tf.NamedAttrMap;

  const filterGrad = () =>
    tf
      .engine()
      .runKernel(
        CONV2D_BACKPROP_FILTER,
        { x: tf.tensor4d(x, c.x), dy: tf.tensor4d(dy, dyShape) },
        attrsFilter,
      ) as tf.Tensor;
  const inputGrad = () =>
    tf
      .engine()
      .runKernel(
        CONV2D_BACKPROP_INPUT,
        { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(filter, c.filter) },
        attrsInput,
      ) as tf.Tensor;

  it('Conv2DBackpropFilter matches the cpu backend', async () => {
    const expected = await runOn('cpu', filterGrad);
    const actual = await runOn('wasm', filterGrad);
    expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-4);
  });

  it('Conv2DBackpropInput matches the cpu backend', async () => {
    const expected = await runOn('cpu', inputGrad);
    const actual = await runOn('wasm', inputGrad);
    expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-4);
  });

  it('the plain-loop implementation matches in NCHW too', async () => {
    const expected = await runOn('cpu', filterGrad);
    const { geometry } = backpropFilterGeometry(
      c.x,
      attrsFilter as unknown as Parameters<typeof backpropFilterGeometry>[1],
    );
    const toNchw = (v: Float32Array, shape: number[]) =>
      tf.tidy(
        () =>
          tf
            .tensor4d(v, shape as [number, number, number, number])
            .transpose([0, 3, 1, 2])
            .dataSync() as Float32Array,
      );
    await tf.setBackend('cpu');
    const out = new Float32Array(expected.length);
    conv2dBackpropFilterImpl(
      toNchw(x, c.x),
      toNchw(dy, dyShape),
      { ...geometry, channelsLast: false },
      out,
    );
    expect(maxAbsDiff(out, expected)).toBeLessThan(1e-4);
    const outNhwc = new Float32Array(expected.length);
    conv2dBackpropFilterImpl(x, dy, geometry, outNhwc);
    expect(maxAbsDiff(outNhwc, expected)).toBeLessThan(1e-4);
  });
});

describe('BatchMatMul with transposed operands', () => {
  it.each([
    { a: [7, 5], b: [5, 3], ta: false, tb: false },
    { a: [5, 7], b: [5, 3], ta: true, tb: false },
    { a: [7, 5], b: [3, 5], ta: false, tb: true },
    { a: [5, 7], b: [3, 5], ta: true, tb: true },
    { a: [2, 64, 300], b: [2, 64, 100], ta: true, tb: false },
    { a: [1, 9, 4], b: [3, 6, 4], ta: false, tb: true }, // broadcast batch
  ])('a $a b $b transposeA $ta transposeB $tb matches cpu', async ({ a, b, ta, tb }) => {
    const av = seededValues(
      a.reduce((p, q) => p * q, 1),
      21,
    );
    const bv = seededValues(
      b.reduce((p, q) => p * q, 1),
      22,
    );
    const run = () => tf.matMul(tf.tensor(av, a), tf.tensor(bv, b), ta, tb);
    const expected = await runOn('cpu', run);
    const actual = await runOn('wasm', run);
    expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-4);
  });
});

describe('training through tf.grad on wasm', () => {
  it('gives the same conv2d gradients as the cpu backend', async () => {
    const x = seededValues(4 * 12 * 12 * 2, 11, 0.5);
    const f = seededValues(5 * 5 * 2 * 3, 12);
    const grads = () =>
      tf.tidy(() => {
        const xt = tf.tensor4d(x, [4, 12, 12, 2]);
        const ft = tf.tensor4d(f, [5, 5, 2, 3]);
        const loss = (a: tf.Tensor, b: tf.Tensor) =>
          tf
            .relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'))
            .square()
            .sum();
        const [gx, gf] = tf.grads(loss)([xt, ft]);
        return tf.concat([(gx as tf.Tensor).flatten(), (gf as tf.Tensor).flatten()]);
      });
    const expected = await runOn('cpu', grads);
    const actual = await runOn('wasm', grads);
    const scale = Math.max(1, ...Array.from(expected, Math.abs));
    expect(maxAbsDiff(actual, expected) / scale).toBeLessThan(1e-5);
  });
  // Its speed on LeNet-5 shapes is measured by bench/backprop.ts (no timing in unit tests).
});
