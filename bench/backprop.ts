/**
 * The wasm training kernels' speed on LeNet-5 shapes (batch 64), in Node on the wasm backend:
 * Conv2DBackpropFilter and Conv2DBackpropInput, mean of 5 runs after one warm-up. Target: the
 * filter gradient under 1 s per call (the cpu backend took seconds). Moved here from the kernel's
 * unit test, which checks only correctness: a unit test must not fail on a slow or busy machine.
 *
 *   npx tsx bench/backprop.ts
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  CONV2D_BACKPROP_FILTER,
  CONV2D_BACKPROP_INPUT,
  backpropFilterGeometry,
  registerWasmTrainingKernels,
} from '../src/features/model/worker/kernels/conv2dBackpropFilter';

const TARGET_FILTER_MS = 1000;

interface Shape {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  pad: 'same' | 'valid';
}
const SHAPES: Shape[] = [
  { x: [64, 28, 28, 1], filter: [5, 5, 1, 6], pad: 'same' }, // LeNet conv1
  { x: [64, 14, 14, 6], filter: [5, 5, 6, 16], pad: 'valid' }, // LeNet conv2
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

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function meanMs(run: () => tf.Tensor): number {
  run().dispose();
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) {
    const r = run();
    r.dataSync();
    r.dispose();
  }
  return (performance.now() - t0) / 5;
}

await tf.setBackend('wasm');
await tf.ready();
registerWasmTrainingKernels();
let slow = false;
console.log('wasm training kernels, LeNet-5 shapes, batch 64 (mean of 5 runs)\n');
for (const c of SHAPES) {
  const { geometry: g } = backpropFilterGeometry(c.x, {
    strides: 1,
    pad: c.pad,
    dataFormat: 'NHWC',
    filterShape: c.filter,
  });
  const dyShape: [number, number, number, number] = [
    g.batch,
    g.outHeight,
    g.outWidth,
    g.outChannels,
  ];
  const x = tf.tensor4d(seededValues(size(c.x), 5, 0.5), c.x);
  const dy = tf.tensor4d(seededValues(size(dyShape), 6), dyShape);
  const filter = tf.tensor4d(seededValues(size(c.filter), 7), c.filter);
  const attrs = { strides: 1, pad: c.pad, dataFormat: 'NHWC' };
  const msFilter = meanMs(
    () =>
      tf.engine().runKernel(CONV2D_BACKPROP_FILTER, { x, dy }, {
        ...attrs,
        filterShape: c.filter,
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
  );
  const msInput = meanMs(
    () =>
      tf.engine().runKernel(CONV2D_BACKPROP_INPUT, { dy, filter }, {
        ...attrs,
        inputShape: c.x,
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
  );
  console.log(
    `x ${JSON.stringify(c.x)} f ${JSON.stringify(c.filter)}: filter ${msFilter.toFixed(1)} ms, input ${msInput.toFixed(1)} ms`,
  );
  if (msFilter >= TARGET_FILTER_MS) slow = true;
  tf.dispose([x, dy, filter]);
}
if (slow) {
  console.log(`\nThe filter gradient took ${TARGET_FILTER_MS} ms or more: over the target.`);
  process.exitCode = 1;
}
