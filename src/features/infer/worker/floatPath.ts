import * as tf from '@tensorflow/tfjs';
import { evalBatchSize, forward } from '../../model/worker';
import type { ActQParams } from '../../model/worker';
import { actQuantizers } from '../../quantize/worker';
import { applySettings } from '../../compress/worker';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import type { EvalRequest } from '../../../platform/worker/engine';

/**
 * The fake-quant float path of a request, as the app's evaluation runs it (engine.ts `evaluate`):
 * the compressed weights loaded into the tfjs model, activations fake-quantized at every
 * weighted layer's input when asked. Loads weights into the model's variables: call it under
 * the engine's model lock.
 */
export async function floatPredict(
  m: LoadedModel,
  d: LoadedDataset,
  request: EvalRequest,
): Promise<(x: tf.Tensor) => tf.Tensor> {
  const actQ: Map<string, ActQParams> =
    request.acts && request.acts.bits > 0
      ? await actQuantizers(m, d, request.acts, request.weights?.overrides ?? {})
      : new Map();
  applySettings(m, request.weights);
  return actQ.size > 0
    ? (x) => forward(m.layers, x, actQ)
    : (x) => m.model.predict(x, { batchSize: x.shape[0] ?? 1 }) as tf.Tensor;
}

/** Top-1 class of test images start..start+count by `predict`, in the evaluation's batches. */
export async function floatTopClasses(
  m: LoadedModel,
  d: LoadedDataset,
  predict: (x: tf.Tensor) => tf.Tensor,
  start = 0,
  count = Math.min(d.testX.shape[0], d.testLabels.length) - start,
): Promise<Uint8Array> {
  const batch = evalBatchSize(m.model, count);
  const out = new Uint8Array(count);
  for (let s = 0; s < count; s += batch) {
    const size = Math.min(batch, count - s);
    const top = tf.tidy(() => {
      const x = start + s === 0 && size === d.testX.shape[0] ? d.testX : d.testX.slice(start + s, size); // prettier-ignore
      return predict(x).argMax(-1);
    });
    try {
      out.set(await top.data(), s);
    } finally {
      top.dispose();
    }
  }
  return out;
}

/**
 * Test images 0..count as separate one-image tensors, made before a batch-1 timing starts (a
 * slice of the 10,000-image test set took longer than the MLP's forward pass). Dispose them.
 */
export function singleImages(d: LoadedDataset, count: number): tf.Tensor[] {
  const n = Math.min(count, d.testX.shape[0]);
  return Array.from({ length: n }, (_, i) => d.testX.slice(i, 1));
}

/** The top class of one image by `predict` (what a batch-1 timing runs). */
export async function topClassOf(
  predict: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
): Promise<number> {
  const y = tf.tidy(() => predict(x).argMax(-1));
  try {
    return (await y.data())[0]!;
  } finally {
    y.dispose();
  }
}
