import * as tf from '@tensorflow/tfjs';
import { tallyPredictions } from '../shared/predictions';

export interface EvalResult {
  readonly correct: number;
  readonly count: number;
  readonly accuracy: number;
  /** confusion[t * k + p] = number of examples of true class t predicted as p. */
  readonly confusion: Uint32Array;
  readonly numClasses: number;
}

/**
 * How many examples to push through the model at once. One big batch is fastest on wasm
 * (10k in one go was 2.3× faster than batches of 1k), but a CNN's first activation is
 * 28·28·filters floats per image, so cap the largest activation at ~16M floats (64 MB).
 */
export function evalBatchSize(
  model: tf.LayersModel,
  count: number,
  maxFloats = 16_000_000,
): number {
  let widest = 1;
  for (const layer of model.layers) {
    const shapes = Array.isArray(layer.outputShape[0])
      ? (layer.outputShape as tf.Shape[])
      : [layer.outputShape as tf.Shape];
    for (const s of shapes) {
      const per = s.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
      widest = Math.max(widest, per);
    }
  }
  return Math.max(1, Math.min(count, Math.floor(maxFloats / widest)));
}

/**
 * Top-1 accuracy and the confusion matrix of `model` on `limit` examples of `x` (all by default)
 * from example `offset` (0 by default). Each example's prediction does not depend on the others
 * in its batch, so results over adjoining ranges add up to the result over their union.
 * Tensors created here are disposed here; the caller keeps ownership of `model` and `x`.
 */
export async function evaluate(
  model: tf.LayersModel,
  x: tf.Tensor,
  labels: Uint8Array,
  options: {
    limit?: number;
    /** The first example evaluated. */
    offset?: number;
    batchSize?: number;
    numClasses?: number;
    /** Forward pass to use instead of `model.predict` (e.g. with fake-quantized activations). */
    predict?: (x: tf.Tensor) => tf.Tensor;
  } = {},
): Promise<EvalResult> {
  // predict() splits its input into batches of 32 unless told otherwise, and concatenates the
  // results: 10k images in 313 pieces made the MLP 20× slower than one matrix multiply.
  const predict =
    options.predict ??
    ((xb: tf.Tensor) => model.predict(xb, { batchSize: xb.shape[0] ?? 1 }) as tf.Tensor);
  const available = Math.min(x.shape[0]!, labels.length);
  const offset = Math.min(Math.max(0, options.offset ?? 0), available);
  const total = Math.min(options.limit ?? available, available - offset);
  const k = options.numClasses ?? 10;
  const batch = options.batchSize ?? evalBatchSize(model, total);
  const confusion = new Uint32Array(k * k);
  let correct = 0;
  for (let done = 0; done < total; done += batch) {
    const size = Math.min(batch, total - done);
    const start = offset + done;
    const predicted = tf.tidy(() => {
      const xb = start === 0 && size === x.shape[0] ? x : x.slice(start, size);
      return predict(xb).argMax(-1);
    });
    const p = await predicted.data();
    predicted.dispose();
    correct += tallyPredictions(confusion, k, labels, start, p, size);
  }
  return {
    correct,
    count: total,
    accuracy: total > 0 ? correct / total : 0,
    confusion,
    numClasses: k,
  };
}
