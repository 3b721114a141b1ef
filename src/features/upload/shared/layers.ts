import type { LayerWeights } from '../../model';
import type { NormalizedModel } from './readModel';

/**
 * The layers the labs compress, as they read any model's (LayerWeights, as the shipped reader
 * and the tfjs worker give them): each weighted layer of a runnable upload with private copies
 * of its kernel and bias.
 */
export function layerWeightsOf(m: NormalizedModel): LayerWeights[] {
  const byName = new Map(m.tensors.map((t) => [t.name, t]));
  return m.layers.map((l) => {
    const kernel = byName.get(l.kernel)!.values.slice();
    const bias = l.bias ? byName.get(l.bias)!.values.slice() : null;
    return {
      info: {
        name: l.name,
        className: l.className,
        kernelShape: [...l.kernelShape],
        biasShape: l.biasShape ? [...l.biasShape] : null,
        params: kernel.length + (bias?.length ?? 0),
        outChannels: l.kernelShape[l.kernelShape.length - 1] ?? 1,
        outputShape: [...l.outputShape],
      },
      kernel,
      bias,
    };
  });
}
