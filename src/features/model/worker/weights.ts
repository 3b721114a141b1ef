import * as tf from '@tensorflow/tfjs';
import { shapeSize } from '../../../platform/shared/stats';
import type { LayerWeights } from '../shared/layerWeights';

export type { LayerWeights };

/**
 * Copies of the kernel and bias of every layer that has them. `getWeights()` hands out the live
 * variables (disposing them would kill the model), so only their data is read, and on the cpu
 * backend `dataSync` may return the tensor's internal buffer: hence the `slice()`.
 */
export async function readLayerWeights(model: tf.LayersModel): Promise<LayerWeights[]> {
  const out: LayerWeights[] = [];
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    const kernelT = weights[0]!;
    const biasT = weights[1] ?? null;
    const kernel = (await kernelT.data()).slice() as Float32Array;
    const bias = biasT ? ((await biasT.data()).slice() as Float32Array) : null;
    const kernelShape = kernelT.shape.slice();
    const biasShape = biasT ? biasT.shape.slice() : null;
    out.push({
      info: {
        name: layer.name,
        className: layer.getClassName(),
        kernelShape,
        biasShape,
        params: shapeSize(kernelShape) + (biasShape ? shapeSize(biasShape) : 0),
        outChannels: kernelShape[kernelShape.length - 1] ?? 1,
        outputShape: (layer.outputShape as (number | null)[]).slice(1).map((d) => d ?? 1),
      },
      kernel,
      bias,
    });
  }
  return out;
}

/**
 * Loads kernels and biases into the model's variables: `kernels.get(name)` where given, else the
 * original kernel; the same for biases (which stay float: only structured pruning zeroes some). The variables take over the new
 * values' storage (Variable.assign increments its reference count), so the temporary tensors
 * can be disposed at once.
 */
export function setKernels(
  model: tf.LayersModel,
  original: readonly LayerWeights[],
  kernels: ReadonlyMap<string, Float32Array> | null,
  biases: ReadonlyMap<string, Float32Array> | null = null,
): void {
  for (const w of original) {
    const layer = model.getLayer(w.info.name);
    const values = kernels?.get(w.info.name) ?? w.kernel;
    const bias = biases?.get(w.info.name) ?? w.bias;
    tf.tidy(() => {
      const k = tf.tensor(values, [...w.info.kernelShape]);
      const b = bias && w.info.biasShape ? tf.tensor(bias, [...w.info.biasShape]) : null;
      layer.setWeights(b ? [k, b] : [k]);
    });
  }
}
