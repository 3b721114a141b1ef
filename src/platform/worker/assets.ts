import * as tf from '@tensorflow/tfjs';
import type { ArchId, DatasetId } from '../../features/model/shared/catalog';
import type { ModelArch } from '../shared/config';
import { isTrainedModelId, isUploadedModelId } from '../../features/model/shared/modelId';
import { loadTrainedModel } from '../../features/model/worker/trainedModel';
import { loadUploadedModel } from '../../features/upload/worker';
import { modelId } from '../../features/model/shared/catalog';
import { DatasetMetaSchema, ModelMetaSchema } from '../../features/model/shared/meta';
import type { DatasetMeta, ModelMeta } from '../../features/model/shared/meta';
import { chainLayers } from '../../features/model/worker/forward';
import { imagesToTensor } from '../../features/model/worker/preprocess';
import { readLayerWeights, setKernels } from '../../features/model/worker/weights';
import { cachedLoad, checkLength, fetchBytes, fetchJson, prefetchBytes } from './assetBytes';

export { fetchBytes } from './assetBytes';
import type { LayerWeights } from '../../features/model/worker/weights';

/**
 * The worker's loaded assets: datasets (decoded once into tensors) and models, each cached by id.
 * Everything is fetched from the app's own origin.
 */

export interface LoadedDataset {
  meta: DatasetMeta;
  testX: tf.Tensor4D;
  testLabels: Uint8Array;
  /** Training images, loaded on first use (calibration, fine-tuning). */
  train: Promise<{ x: Uint8Array; labels: Uint8Array }> | null;
}

export interface LoadedModel {
  model: tf.LayersModel;
  /** The model's layers in order (sequential stacks only). */
  layers: tf.layers.Layer[];
  meta: ModelMeta;
  dataset: DatasetId;
  /** Private copies of the trained weights: the model's variables may hold quantized ones. */
  original: LayerWeights[];
  /** Key of the weights currently in the model's variables ('' = the original ones). */
  applied: string;
  /**
   * The model's own test set, used instead of the dataset's: an uploaded model of another shape
   * is measured on synthetic inputs labelled by its own outputs (fidelity).
   */
  testSet?: LoadedDataset;
}

const datasets = new Map<DatasetId, Promise<LoadedDataset>>();
const models = new Map<string, Promise<LoadedModel>>();

async function loadDataset(id: DatasetId): Promise<LoadedDataset> {
  const parsed = DatasetMetaSchema.safeParse(await fetchJson(`data/${id}/meta.json`));
  if (!parsed.success) throw new Error(`data/${id}/meta.json does not describe a dataset.`);
  const meta = parsed.data;
  const [pixels, labels] = await Promise.all([
    fetchBytes(`data/${id}/test-images.u8`),
    fetchBytes(`data/${id}/test-labels.u8`),
  ]);
  const [h, w, c] = meta.imageShape;
  const n = meta.test.count;
  checkLength(`data/${id}/test-images.u8`, pixels.length, n * h * w * c, `${n} test images`);
  checkLength(`data/${id}/test-labels.u8`, labels.length, n, `${n} test labels`);
  return {
    meta,
    testX: imagesToTensor(pixels, n, meta.imageShape),
    testLabels: labels,
    train: null,
  };
}

export function getDataset(id: DatasetId): Promise<LoadedDataset> {
  return cachedLoad(datasets, id, () => loadDataset(id));
}

/** The training split's raw pixels and labels, fetched once. */
export function getTrain(d: LoadedDataset): Promise<{ x: Uint8Array; labels: Uint8Array }> {
  if (!d.train) {
    const id = d.meta.id;
    d.train = Promise.all([
      fetchBytes(`data/${id}/train-images.u8`),
      fetchBytes(`data/${id}/train-labels.u8`),
    ]).then(([x, labels]) => {
      const [h, w, c] = d.meta.imageShape;
      const n = d.meta.train.count;
      checkLength(`data/${id}/train-images.u8`, x.length, n * h * w * c, `${n} training images`);
      checkLength(`data/${id}/train-labels.u8`, labels.length, n, `${n} training labels`);
      return { x, labels };
    });
    d.train.catch(() => (d.train = null));
  }
  return d.train;
}

const DTYPE_BYTES: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  float16: 2,
  uint16: 2,
  uint8: 1,
  bool: 1,
};

/**
 * model.json and its weight files, fetched here rather than by tfjs's HTTP loader, which neither
 * checks a weight file's HTTP status nor its length: a missing or half-written weights.bin must
 * fail naming the file, not as a tensor of the wrong shape (or not at all, if too long).
 */
async function fetchModelArtifacts(id: string): Promise<tf.io.ModelArtifacts> {
  const path = `models/${id}/model.json`;
  const json = (await fetchJson(path)) as {
    modelTopology?: object;
    weightsManifest?: tf.io.WeightsManifestConfig;
  } | null;
  const manifest = json?.weightsManifest;
  if (!json?.modelTopology || !Array.isArray(manifest))
    throw new Error(`${path} does not describe a layers model.`);
  const groups = await Promise.all(
    manifest.map(async (g) => {
      const files = g.paths.map((p) => `models/${id}/${p}`);
      const parts = await Promise.all(files.map(fetchBytes));
      let expected = 0;
      for (const w of g.weights) {
        const size = DTYPE_BYTES[w.quantization?.dtype ?? w.dtype];
        if (size === undefined) throw new Error(`${path}: weight ${w.name} has dtype ${w.dtype}.`);
        expected += size * w.shape.reduce((a, b) => a * b, 1);
      }
      const bytes = parts.reduce((a, b) => a + b.length, 0);
      checkLength(
        files.join(' + '),
        bytes,
        expected,
        `the ${g.weights.length} tensors ${path} lists`,
      );
      return parts;
    }),
  );
  const parts = groups.flat();
  const weightData = new Uint8Array(parts.reduce((a, b) => a + b.length, 0));
  let offset = 0;
  for (const b of parts) {
    weightData.set(b, offset);
    offset += b.length;
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs: manifest.flatMap((g) => g.weights),
    weightData: weightData.buffer,
  };
}

async function loadModel(dataset: DatasetId, arch: ArchId): Promise<LoadedModel> {
  const id = modelId(dataset, arch);
  const parsed = ModelMetaSchema.safeParse(await fetchJson(`models/${id}/meta.json`));
  if (!parsed.success) throw new Error(`models/${id}/meta.json does not describe a model.`);
  const model = await tf.loadLayersModel(tf.io.fromMemory(await fetchModelArtifacts(id)));
  return {
    model,
    layers: chainLayers(model),
    meta: parsed.data,
    dataset,
    original: await readLayerWeights(model),
    applied: '',
  };
}

/**
 * Starts downloading a shipped model's and its dataset's files (bytes only, no tfjs) unless they
 * are loaded or loading, so that on a cold visit they arrive while the wasm backend starts
 * instead of after it. `getModel`/`getDataset` then take the bytes from here. Trained and
 * uploaded models live in IndexedDB: only their dataset is fetched.
 */
export function prefetch(dataset: DatasetId, arch: ModelArch): void {
  const paths: string[] = [];
  if (!datasets.has(dataset))
    paths.push(
      `data/${dataset}/meta.json`,
      `data/${dataset}/test-images.u8`,
      `data/${dataset}/test-labels.u8`,
    );
  if (!isUploadedModelId(arch) && !isTrainedModelId(arch) && !models.has(modelId(dataset, arch))) {
    const id = modelId(dataset, arch);
    // weights.bin is the one file the shipped models' manifests name (scripts/lib/train-utils.ts
    // writes them); a manifest naming other files has those fetched when it is read.
    paths.push(`models/${id}/meta.json`, `models/${id}/model.json`, `models/${id}/weights.bin`);
  }
  for (const path of paths) prefetchBytes(path);
}

/**
 * A shipped model, or one trained or uploaded in this browser (kept in IndexedDB) when `arch` is
 * its id. An uploaded model is loaded once per dataset it is evaluated on.
 */
export function getModel(dataset: DatasetId, arch: ModelArch): Promise<LoadedModel> {
  if (isUploadedModelId(arch))
    return cachedLoad(models, `${arch}@${dataset}`, async () =>
      loadUploadedModel(dataset, arch, (await getDataset(dataset)).meta.test.count),
    );
  if (isTrainedModelId(arch))
    return cachedLoad(models, arch, async () =>
      loadTrainedModel(dataset, arch, (await getDataset(dataset)).meta.test.count),
    );
  return cachedLoad(models, modelId(dataset, arch), () => loadModel(dataset, arch));
}

/**
 * Puts `kernels` and `biases` (by layer name; missing ones get their original values) into the
 * model's variables, unless weights with the same key are already there.
 */
export function applyKernels(
  m: LoadedModel,
  key: string,
  kernels: ReadonlyMap<string, Float32Array> | null,
  biases: ReadonlyMap<string, Float32Array> | null,
): void {
  if (m.applied === key) return;
  setKernels(m.model, m.original, kernels, biases);
  m.applied = key;
}
