import * as tf from '@tensorflow/tfjs';

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
  for (const layer of layers) {
    const q = actQ.get(layer.name);
    if (q) h = fakeQuantAct(h, q);
    h = layer.apply(h, { training: false }) as tf.Tensor;
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
      for (const layer of layers) {
        if (names.has(layer.name)) kept.push([layer.name, tf.keep(h)]);
        h = layer.apply(h, { training: false }) as tf.Tensor;
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
