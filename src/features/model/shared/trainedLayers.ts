import type { RawLayerWeights } from './weightsFile';
import { shapeSize } from '../../../platform/shared/stats';

/** What a kept model's layers look like in IndexedDB (see state/trainedStore.ts). */
export interface StoredLayer {
  readonly name: string;
  readonly className: string;
  readonly kernelShape: readonly number[];
  readonly kernel: ArrayBuffer;
  readonly bias: ArrayBuffer | null;
}

/**
 * A kept model's layers as the labs read weights (the same shape as a shipped model's, from
 * weightsFile.ts): private float32 copies, with their shapes checked against the byte counts.
 */
export function layersFromStored(layers: readonly StoredLayer[]): RawLayerWeights[] {
  return layers.map((l) => {
    const n = shapeSize(l.kernelShape);
    if (l.kernel.byteLength !== n * 4)
      throw new Error(
        `Layer ${l.name}: the kernel holds ${l.kernel.byteLength} bytes, its shape ${l.kernelShape.join('×')} needs ${n * 4}.`,
      );
    const out = l.kernelShape[l.kernelShape.length - 1] ?? 1;
    if (l.bias && l.bias.byteLength !== out * 4)
      throw new Error(
        `Layer ${l.name}: the bias holds ${l.bias.byteLength} bytes, not ${out * 4}.`,
      );
    return {
      info: {
        name: l.name,
        className: l.className,
        kernelShape: [...l.kernelShape],
        biasShape: l.bias ? [out] : null,
        params: n + (l.bias ? out : 0),
        outChannels: out,
        outputShape: [],
      },
      kernel: new Float32Array(l.kernel.slice(0)),
      bias: l.bias ? new Float32Array(l.bias.slice(0)) : null,
    };
  });
}

/**
 * The architecture the layers describe: a chain of Conv2D then Dense layers. MLP: the hidden
 * widths; CNN (two convolutions, as the shipped LeNet-5-like one): the filters and hidden widths.
 */
export type Architecture =
  | { readonly kind: 'mlp'; readonly hidden: number[] }
  | { readonly kind: 'cnn'; readonly filters: [number, number]; readonly hidden: [number, number] };

export function architectureOf(
  layers: readonly { readonly info: RawLayerWeights['info'] }[],
): Architecture {
  const convs = layers.filter((l) => l.info.className === 'Conv2D').map((l) => l.info.outChannels);
  const dense = layers.filter((l) => l.info.className === 'Dense').map((l) => l.info.outChannels);
  const hidden = dense.slice(0, -1);
  if (convs.length === 0 && dense.length >= 1) return { kind: 'mlp', hidden };
  if (convs.length === 2 && hidden.length === 2)
    return {
      kind: 'cnn',
      filters: [convs[0]!, convs[1]!],
      hidden: [hidden[0]!, hidden[1]!],
    };
  throw new Error(
    `A kept model with ${convs.length} convolutions and ${dense.length} dense layers is not an architecture this app builds.`,
  );
}
