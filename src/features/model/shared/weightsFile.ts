import type { LayerInfo } from './meta';
import { shapeSize } from '../../../platform/shared/stats';

/**
 * Reads the weights of a TF.js layers model (model.json + its weight files) without tfjs: the
 * manifest lists every tensor in file order with its name ("fc1/kernel", "fc1/bias") and shape,
 * and the layer classes come from the topology. Float32 only: that is what the training script
 * writes. Layer kinds come from the topology's class names, never from weight names.
 */

export interface RawLayerWeights {
  readonly info: LayerInfo;
  readonly kernel: Float32Array;
  readonly bias: Float32Array | null;
}

interface ModelJson {
  modelTopology?: { config?: { layers?: { class_name?: string; config?: { name?: string } }[] } };
  weightsManifest?: {
    paths?: string[];
    weights?: { name?: string; shape?: number[]; dtype?: string }[];
  }[];
}

export function readLayersModelWeights(
  modelJson: unknown,
  weightData: ArrayBuffer,
): RawLayerWeights[] {
  const json = modelJson as ModelJson;
  const classes = new Map<string, string>();
  for (const l of json.modelTopology?.config?.layers ?? []) {
    if (l.config?.name && l.class_name) classes.set(l.config.name, l.class_name);
  }
  const specs = (json.weightsManifest ?? []).flatMap((g) => g.weights ?? []);
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  let offset = 0;
  for (const spec of specs) {
    if (!spec.name || !Array.isArray(spec.shape) || (spec.dtype ?? 'float32') !== 'float32') {
      throw new Error(
        `Unsupported weight entry ${spec.name ?? '(unnamed)'}: only float32 tensors are read.`,
      );
    }
    const n = shapeSize(spec.shape);
    if (offset + n * 4 > weightData.byteLength)
      throw new Error('The weight file is shorter than its manifest says.');
    tensors.set(spec.name, {
      shape: spec.shape,
      values: new Float32Array(weightData.slice(offset, offset + n * 4)),
    });
    offset += n * 4;
  }
  if (offset !== weightData.byteLength)
    throw new Error('The weight file is longer than its manifest says.');
  const out: RawLayerWeights[] = [];
  for (const [name, className] of classes) {
    const kernel = tensors.get(`${name}/kernel`);
    if (!kernel) continue;
    const bias = tensors.get(`${name}/bias`) ?? null;
    out.push({
      info: {
        name,
        className,
        kernelShape: kernel.shape,
        biasShape: bias ? bias.shape : null,
        params: kernel.values.length + (bias ? bias.values.length : 0),
        outChannels: kernel.shape[kernel.shape.length - 1] ?? 1,
        // Not in the weight files; the tfjs worker's model summary has it.
        outputShape: [],
      },
      kernel: kernel.values,
      bias: bias ? bias.values : null,
    });
  }
  return out;
}
