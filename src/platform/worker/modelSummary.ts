import type { DatasetMeta, LayerInfo, ModelMeta } from '../../features/model/shared/meta';
import type { LayerWeights } from '../../features/model/shared/layerWeights';
import { tensorStats } from '../shared/stats';
import type { TensorStats } from '../shared/stats';

/** A model as the compute worker describes it (both of its engines: no tfjs here). */

export interface LayerSummary {
  readonly info: LayerInfo;
  readonly kernel: TensorStats;
  readonly bias: TensorStats | null;
}

export interface ModelSummary {
  readonly id: string;
  readonly meta: ModelMeta;
  readonly dataset: DatasetMeta;
  readonly layers: readonly LayerSummary[];
  readonly totalParams: number;
  /** Size of the weights stored as float32: 32 bits per parameter. */
  readonly float32Bits: number;
}

/** The description of a model with trained weights `original`, tested on `dataset`. */
export function summarizeModel(
  meta: ModelMeta,
  dataset: DatasetMeta,
  original: readonly LayerWeights[],
): ModelSummary {
  const layers = original.map((w) => ({
    info: w.info,
    kernel: tensorStats(w.kernel),
    bias: w.bias ? tensorStats(w.bias) : null,
  }));
  const totalParams = layers.reduce((a, l) => a + l.info.params, 0);
  return {
    id: meta.id,
    meta,
    dataset,
    layers,
    totalParams,
    float32Bits: 32 * totalParams,
  };
}
