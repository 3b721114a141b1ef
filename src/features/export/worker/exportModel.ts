import type * as tf from '@tensorflow/tfjs';
import * as Comlink from 'comlink';
import { compressed } from '../../compress';
import type { DatasetId } from '../../model';
import { isTrainedModelId, isUploadedModelId } from '../../model';
import { isWeightTensor, layerTensorNames } from '../../upload';
import type { NormalizedModel, UploadedTensor } from '../../upload';
import { getUploadedRecord } from '../../upload/worker';
import type { ModelArch } from '../../../platform/shared/config';
import { fetchBytes } from '../../../platform/worker/assets';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import type { EvalRequest } from '../../../platform/worker/engine';
import { buildModelExport } from '../shared/modelExport';
import type { ExportLayerInput, ModelExport } from '../shared/modelExport';
import { readManifest } from '../shared/tfjsExport';
import type { ExportTensor, ManifestEntry } from '../shared/tfjsExport';

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

/** A tensor no layer compresses, in the dtype its manifest gave it (values as uploaded). */
function asIs(t: UploadedTensor): ExportTensor {
  const shape = [...t.shape];
  switch (t.dtype) {
    case 'int32':
    case 'uint8':
    case 'uint16':
      // TF.js tensors have no uint8/uint16 dtype: integers go as int32 either way.
      return {
        name: t.name,
        shape,
        encoding: { kind: 'int32', values: Int32Array.from(t.values) },
      };
    case 'bool':
      return { name: t.name, shape, encoding: { kind: 'bool', values: Uint8Array.from(t.values) } };
    default:
      return { name: t.name, shape, encoding: { kind: 'float32', values: t.values } };
  }
}

/**
 * The export of an uploaded model. A runnable layers model: its own layers (names, declared
 * input shape; the labs' input and output adapters left out) as a Sequential model.json that
 * stock `tf.loadLayersModel` loads. A graph model: its graph as uploaded with the compressed
 * weights (`tf.loadGraphModel`). A weights manifest (or a layers model the labs do not run): a
 * weights manifest of every tensor, in the uploaded order. Tensors the labs do not compress
 * (int32 constants, scalars) are written as they were uploaded.
 */
export function exportUploadedModel(
  m: Pick<LoadedModel, 'meta' | 'original'>,
  request: EvalRequest,
  u: NormalizedModel,
): ModelExport {
  const c = request.weights ? compressed(m, request.weights) : null;
  const names = layerTensorNames(u);
  if (names.length !== m.original.length)
    throw new Error(`${u.name}: ${names.length} weight tensors for ${m.original.length} layers`);
  const runnable = u.exportTopology !== null && u.evaluation !== 'none';
  const layers = m.original.map((w, i): ExportLayerInput => ({
    weights: w,
    compressed: c?.layers[i] ?? null,
    // A Sequential model built by tfjs names its weights <layer>/kernel and <layer>/bias.
    kernelName: runnable ? `${w.info.name}/kernel` : names[i]!.kernel,
    biasName: runnable ? (names[i]!.bias === null ? null : `${w.info.name}/bias`) : null,
  }));
  const activationsDropped = request.acts !== null && request.acts.bits > 0;
  if (runnable) {
    return buildModelExport({
      modelId: m.meta.id,
      modelTopology: u.exportTopology,
      manifest: layers.flatMap((l) => [
        { name: l.kernelName, shape: l.weights.info.kernelShape },
        ...(l.biasName ? [{ name: l.biasName, shape: l.weights.info.biasShape ?? [] }] : []),
      ]),
      layers,
      activationsDropped,
    });
  }
  const compressedNames = new Set(names.map((n) => n.kernel));
  return buildModelExport({
    modelId: m.meta.id,
    modelTopology: null,
    manifest: u.tensors.map((t) => ({ name: t.name, shape: t.shape })),
    layers,
    others: u.tensors.filter((t) => !(isWeightTensor(t) && compressedNames.has(t.name))).map(asIs),
    activationsDropped,
    layout: u.kind === 'graph' ? 'graph-model' : 'weights-manifest',
    graph: u.graph,
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
      const out = isUploadedModelId(arch)
        ? exportUploadedModel(m, request, await getUploadedRecord(arch))
        : exportLoadedModel(
            m,
            request,
            isTrainedModelId(arch) ? topologyOf(m.model) : await shippedSource(m.meta.id),
          );
      const buffers = out.files.flatMap((f) => (f.kind === 'binary' ? [f.bytes.buffer] : []));
      return Comlink.transfer(out, buffers as ArrayBuffer[]);
    },
  };
}
