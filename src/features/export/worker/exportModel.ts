import type * as tf from '@tensorflow/tfjs';
import * as Comlink from 'comlink';
import { compressed } from '../../compress';
import type { DatasetId } from '../../model';
import { isTrainedModelId } from '../../model';
import type { ModelArch } from '../../../platform/shared/config';
import { fetchBytes } from '../../../platform/worker/assets';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import type { EvalRequest } from '../../../platform/worker/engine';
import { buildModelExport } from '../shared/modelExport';
import type { ExportLayerInput, ModelExport } from '../shared/modelExport';
import { readManifest } from '../shared/tfjsExport';
import type { ManifestEntry } from '../shared/tfjsExport';

/**
 * The export's worker side: the pipeline's compressed weights (the same cached `compressed()`
 * the evaluations load into the model) and the model's topology go through the pure writer
 * (shared/modelExport.ts). Nothing here touches the model's variables, so it needs no model lock.
 */

/** What the engine lends: loading a model (and its backend). */
export interface ExportDeps {
  loaded(dataset: DatasetId, arch: ModelArch): Promise<[LoadedModel, LoadedDataset]>;
}

/** Topology and weight order of the model as shipped (public/models/<id>/model.json). */
export interface ModelJsonSource {
  readonly modelTopology: unknown;
  readonly manifest: readonly ManifestEntry[];
}

/** A model built in the browser (a trained one): its topology as tfjs's own save writes it. */
export function topologyOf(model: tf.LayersModel): ModelJsonSource {
  return {
    modelTopology: model.toJSON(null, false),
    manifest: model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] })),
  };
}

async function shippedSource(id: string): Promise<ModelJsonSource> {
  const text = new TextDecoder().decode(await fetchBytes(`models/${id}/model.json`));
  const json = JSON.parse(text) as { modelTopology?: unknown };
  if (json.modelTopology === undefined) throw new Error(`models/${id}/model.json has no topology`);
  return { modelTopology: json.modelTopology, manifest: readManifest(json) };
}

/** The export of `m` under `request`'s weights (its activations are not exportable). */
export function exportLoadedModel(
  m: Pick<LoadedModel, 'model' | 'meta' | 'original'>,
  request: EvalRequest,
  source: ModelJsonSource,
): ModelExport {
  const c = request.weights ? compressed(m, request.weights) : null;
  const layers = m.original.map((w, i): ExportLayerInput => {
    const vars = m.model.getLayer(w.info.name).weights;
    const kernel = vars[0];
    if (!kernel) throw new Error(`layer ${w.info.name} has no weights`);
    return {
      weights: w,
      compressed: c?.layers[i] ?? null,
      kernelName: kernel.originalName,
      biasName: vars[1]?.originalName ?? null,
    };
  });
  return buildModelExport({
    modelId: m.meta.id,
    modelTopology: source.modelTopology,
    manifest: source.manifest,
    layers,
    activationsDropped: request.acts !== null && request.acts.bits > 0,
  });
}

/** The engine's export methods (spread into `engine`, platform/worker/engine.ts). */
export function exportApi(deps: ExportDeps) {
  return {
    /**
     * The compressed model as TF.js files (model.json, model.weights.bin, compression.json when
     * needed) and a report of how each layer is stored. Weights only: see shared/modelExport.ts.
     */
    async exportModel(
      dataset: DatasetId,
      arch: ModelArch,
      request: EvalRequest,
    ): Promise<ModelExport> {
      const [m] = await deps.loaded(dataset, arch);
      const source = isTrainedModelId(arch) ? topologyOf(m.model) : await shippedSource(m.meta.id);
      const out = exportLoadedModel(m, request, source);
      const buffers = out.files.flatMap((f) => (f.kind === 'binary' ? [f.bytes.buffer] : []));
      return Comlink.transfer(out, buffers as ArrayBuffer[]);
    },
  };
}
