import * as tf from '@tensorflow/tfjs';
import { CONV_RELU_POOL, floatKernelsInUse } from './kernels/floatKernels';

/** Integer grid of an activation quantizer: x̂ = (clamp(round(x/s) + z, qmin, qmax) − z)·s. */
export interface ActQParams {
  readonly scale: number;
  readonly zeroPoint: number;
  readonly qmin: number;
  readonly qmax: number;
}

/** The layers of a plain feed-forward stack, in order. Branching graphs are refused. */
export function chainLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  for (const l of layers) {
    if (l.inboundNodes.length > 1 || (l.inboundNodes[0]?.inboundLayers.length ?? 1) > 1) {
      throw new Error(`Layer ${l.name} has several inputs: only sequential models are supported.`);
    }
  }
  return layers;
}

/**
 * Fake-quantizes activations as torch's `fake_quantize_per_tensor_affine` does: multiply by the
 * float32 reciprocal of the scale, round half to even (`tf.round`), add the zero-point, clamp,
 * then map back. Synchronous, meant to run inside `tf.tidy`.
 */
export function fakeQuantAct(x: tf.Tensor, q: ActQParams): tf.Tensor {
  const inv = Math.fround(1 / q.scale);
  const codes = tf.clipByValue(tf.add(tf.round(tf.mul(x, inv)), q.zeroPoint), q.qmin, q.qmax);
  return tf.mul(tf.sub(codes, q.zeroPoint), q.scale);
}

const ones = (v: unknown): boolean =>
  Array.isArray(v) ? v.length === 2 && v[0] === v[1] && v[0] === 1 : v === 1;
const twos = (v: unknown): boolean =>
  Array.isArray(v) ? v.length === 2 && v[0] === 2 && v[1] === 2 : v === 2;

/**
 * The convolution's padding where `conv` then `pool` is what CONV_RELU_POOL computes (a 2-D
 * convolution with a bias and a ReLU, stride and dilation 1, channels last, then a 2×2 max pool,
 * stride 2, 'valid'), else null.
 */
function convReluPool(
  conv: tf.layers.Layer,
  pool: tf.layers.Layer | undefined,
): 'same' | 'valid' | null {
  if (!pool || conv.getClassName() !== 'Conv2D' || pool.getClassName() !== 'MaxPooling2D')
    return null;
  const c = conv.getConfig();
  const p = pool.getConfig();
  const fits =
    c.activation === 'relu' &&
    c.useBias === true &&
    c.dataFormat === 'channelsLast' &&
    (c.padding === 'same' || c.padding === 'valid') &&
    ones(c.strides) &&
    ones(c.dilationRate) &&
    twos(p.poolSize) &&
    twos(p.strides) &&
    p.padding === 'valid' &&
    p.dataFormat === 'channelsLast';
  return fits ? (c.padding as 'same' | 'valid') : null;
}

/**
 * Layer `i` of `layers` applied to `h` in inference, or layers i and i + 1 at once where they are
 * a ReLU convolution and the 2×2 max pool after it (convReluPool), `fuse` allows it, and the
 * float path runs on the app's kernels (floatKernels.ts, CONV_RELU_POOL): the same output to the
 * bit, without the convolution's full output. Returns the output and how many layers it covers.
 * Synchronous: call inside `tf.tidy`.
 */
export function applyLayer(
  layers: readonly tf.layers.Layer[],
  i: number,
  h: tf.Tensor,
  fuse = true,
): [tf.Tensor, 1 | 2] {
  const layer = layers[i]!;
  const pad =
    fuse && h.rank === 4 && floatKernelsInUse() ? convReluPool(layer, layers[i + 1]) : null;
  if (pad) {
    const [filter, bias] = layer.getWeights();
    const out = tf.engine().runKernel(
      CONV_RELU_POOL,
      { x: h, filter: filter!, bias: bias! },
      {
        strides: [1, 1],
        pad,
        dataFormat: 'NHWC',
        dilations: [1, 1],
        activation: 'relu',
      },
    ) as tf.Tensor;
    return [out, 2];
  }
  return [layer.apply(h, { training: false }) as tf.Tensor, 1];
}

/**
 * The model's forward pass, layer by layer, fake-quantizing the input of every layer named in
 * `actQ` first (the W·A scheme of integer inference: a quantized layer reads quantized inputs).
 * With an empty map it equals `model.predict`. Synchronous: call inside `tf.tidy`.
 */
export function forward(
  layers: readonly tf.layers.Layer[],
  x: tf.Tensor,
  actQ: ReadonlyMap<string, ActQParams>,
): tf.Tensor {
  let h = x;
  for (let i = 0; i < layers.length;) {
    const q = actQ.get(layers[i]!.name);
    if (q) h = fakeQuantAct(h, q);
    const [out, covered] = applyLayer(layers, i, h, !actQ.has(layers[i + 1]?.name ?? ''));
    h = out;
    i += covered;
  }
  return h;
}

/**
 * The inputs seen by each named layer over `x`, copied out as Float32Arrays (for calibration
 * observers and activation histograms). Batched to bound memory; every tensor is disposed.
 */
export async function collectLayerInputs(
  layers: readonly tf.layers.Layer[],
  x: tf.Tensor,
  names: ReadonlySet<string>,
  batchSize = 256,
): Promise<Map<string, Float32Array[]>> {
  const out = new Map<string, Float32Array[]>();
  for (const n of names) out.set(n, []);
  const total = x.shape[0]!;
  for (let start = 0; start < total; start += batchSize) {
    const size = Math.min(batchSize, total - start);
    const captured = tf.tidy(() => {
      const kept: [string, tf.Tensor][] = [];
      let h = x.slice(start, size);
      for (let i = 0; i < layers.length;) {
        const name = layers[i]!.name;
        if (names.has(name)) kept.push([name, tf.keep(h)]);
        const [out, covered] = applyLayer(layers, i, h, !names.has(layers[i + 1]?.name ?? ''));
        h = out;
        i += covered;
      }
      return kept;
    });
    for (const [name, t] of captured) {
      const data = (await t.data()).slice() as Float32Array;
      t.dispose();
      out.get(name)!.push(data);
    }
  }
  return out;
}
