import type { LayerWeights } from '../../model';
import type { NormalizedModel, UploadedTensor } from './readModel';

/**
 * The layers the labs compress, as they read any model's (LayerWeights, as the shipped reader
 * and the tfjs worker give them). A runnable upload: each weighted layer with private copies of
 * its kernel and bias. Any other (a graph model, a weights manifest, a layers model the labs do
 * not run): every floating-point tensor on its own, as a "layer" with that tensor as its kernel
 * and no bias, named so that links can carry it (letters, digits and _).
 */
export function layerWeightsOf(m: NormalizedModel): LayerWeights[] {
  if (m.layers.length === 0) return tensorLayersOf(m.tensors);
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

/**
 * The manifest tensors of each layer `layerWeightsOf(m)` gives, in the same order: a runnable
 * upload's kernel and bias, else the one tensor each "layer" is.
 */
export function layerTensorNames(
  m: NormalizedModel,
): { readonly kernel: string; readonly bias: string | null }[] {
  if (m.layers.length > 0) return m.layers.map((l) => ({ kernel: l.kernel, bias: l.bias }));
  return m.tensors.filter(isWeightTensor).map((t) => ({ kernel: t.name, bias: null }));
}

/** Tensors the labs treat as weights: floating point (stored float or quantized), 2+ values. */
export function isWeightTensor(t: UploadedTensor): boolean {
  return (t.dtype === 'float32' || t.dtype === 'float16') && t.values.length >= 2;
}

/**
 * A tensor name as a layer name the config accepts: other characters become _, at most 64
 * characters keeping the end (the informative part: "…/dense_1/kernel"), unique.
 */
export function layerNameFor(name: string, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'tensor';
  if (base.length > 58) base = base.slice(base.length - 58).replace(/^_+/, '');
  let n = base;
  for (let i = 2; taken.has(n); i++) n = `${base}_${i}`;
  taken.add(n);
  return n;
}

export function tensorLayersOf(tensors: readonly UploadedTensor[]): LayerWeights[] {
  const taken = new Set<string>();
  return tensors.filter(isWeightTensor).map((t) => {
    const shape = t.shape.length ? [...t.shape] : [1];
    const className = shape.length === 2 ? 'Dense' : shape.length === 4 ? 'Conv2D' : 'Tensor';
    return {
      info: {
        name: layerNameFor(t.name, taken),
        className,
        kernelShape: shape,
        biasShape: null,
        params: t.values.length,
        outChannels: shape[shape.length - 1] ?? 1,
        outputShape: [],
      },
      kernel: t.values.slice(),
      bias: null,
    };
  });
}
