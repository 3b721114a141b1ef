import * as tf from '@tensorflow/tfjs';
import * as Comlink from 'comlink';
import type { ArchId, DatasetId } from '../core/catalog';
import { modelId } from '../core/catalog';
import { histogram } from '../core/histogram';
import { DatasetMetaSchema, ModelMetaSchema } from '../core/meta';
import type { DatasetMeta, LayerInfo, ModelMeta } from '../core/meta';
import { tensorStats } from '../core/stats';
import type { TensorStats } from '../core/stats';
import { evaluate as evaluateModel } from '../model/evaluate';
import { imagesToTensor } from '../model/preprocess';
import { readLayerWeights } from '../model/weights';
import type { LayerWeights } from '../model/weights';
import { initBackend } from './backend';
import type { BackendInfo } from './backend';

/**
 * The compute engine: the only place tfjs lives. Everything it returns is plain data (numbers,
 * strings, typed arrays it owns), so the main thread never holds a tensor.
 */

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

export interface LayerHistogram {
  readonly modelId: string;
  readonly layer: string;
  readonly min: number;
  readonly max: number;
  readonly binWidth: number;
  readonly counts: Uint32Array;
}

export interface Evaluation {
  readonly modelId: string;
  readonly accuracy: number;
  readonly correct: number;
  readonly count: number;
  /** Row-major k×k, rows = true class. */
  readonly confusion: Uint32Array;
  readonly numClasses: number;
  readonly ms: number;
}

interface LoadedDataset {
  meta: DatasetMeta;
  testX: tf.Tensor4D;
  testLabels: Uint8Array;
}

interface LoadedModel {
  model: tf.LayersModel;
  meta: ModelMeta;
  dataset: DatasetId;
  weights: LayerWeights[];
}

const baseUrl = new URL(import.meta.env.BASE_URL, self.location.origin);

async function fetchBytes(path: string): Promise<Uint8Array> {
  const url = new URL(path, baseUrl);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load ${path}: HTTP ${res.status}.`);
  return new Uint8Array(await res.arrayBuffer());
}

async function fetchJson(path: string): Promise<unknown> {
  const bytes = await fetchBytes(path);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    throw new Error(`${path} is not valid JSON.`);
  }
}

let backendPromise: Promise<BackendInfo> | null = null;
const datasets = new Map<DatasetId, Promise<LoadedDataset>>();
const models = new Map<string, Promise<LoadedModel>>();

function ensureBackend(): Promise<BackendInfo> {
  backendPromise ??= initBackend();
  return backendPromise;
}

async function loadDataset(id: DatasetId): Promise<LoadedDataset> {
  await ensureBackend();
  const parsed = DatasetMetaSchema.safeParse(await fetchJson(`data/${id}/meta.json`));
  if (!parsed.success) throw new Error(`data/${id}/meta.json does not describe a dataset.`);
  const meta = parsed.data;
  const [pixels, labels] = await Promise.all([
    fetchBytes(`data/${id}/test-images.u8`),
    fetchBytes(`data/${id}/test-labels.u8`),
  ]);
  const [h, w, c] = meta.imageShape;
  const n = meta.test.count;
  if (pixels.length !== n * h * w * c || labels.length !== n) {
    throw new Error(
      `data/${id}: expected ${n} test images, the files hold ${labels.length} labels and ${pixels.length} pixel bytes.`,
    );
  }
  return { meta, testX: imagesToTensor(pixels, n, meta.imageShape), testLabels: labels };
}

function getDataset(id: DatasetId): Promise<LoadedDataset> {
  let p = datasets.get(id);
  if (!p) {
    p = loadDataset(id);
    p.catch(() => datasets.delete(id));
    datasets.set(id, p);
  }
  return p;
}

async function loadModel(dataset: DatasetId, arch: ArchId): Promise<LoadedModel> {
  await ensureBackend();
  const id = modelId(dataset, arch);
  const parsed = ModelMetaSchema.safeParse(await fetchJson(`models/${id}/meta.json`));
  if (!parsed.success) throw new Error(`models/${id}/meta.json does not describe a model.`);
  const model = await tf.loadLayersModel(new URL(`models/${id}/model.json`, baseUrl).href);
  return { model, meta: parsed.data, dataset, weights: await readLayerWeights(model) };
}

function getModel(dataset: DatasetId, arch: ArchId): Promise<LoadedModel> {
  const id = modelId(dataset, arch);
  let p = models.get(id);
  if (!p) {
    p = loadModel(dataset, arch);
    p.catch(() => models.delete(id));
    models.set(id, p);
  }
  return p;
}

function findLayer(m: LoadedModel, name: string): LayerWeights {
  const layer = m.weights.find((w) => w.info.name === name);
  if (!layer) throw new Error(`Model ${m.meta.id} has no layer "${name}".`);
  return layer;
}

export const engine = {
  /** Starts tfjs on the best available backend. Idempotent. */
  init(): Promise<BackendInfo> {
    return ensureBackend();
  },

  /** Loads a shipped model (and its test set) and describes its layers. */
  async describeModel(dataset: DatasetId, arch: ArchId): Promise<ModelSummary> {
    const [m, d] = await Promise.all([getModel(dataset, arch), getDataset(dataset)]);
    const layers = m.weights.map((w) => ({
      info: w.info,
      kernel: tensorStats(w.kernel),
      bias: w.bias ? tensorStats(w.bias) : null,
    }));
    const totalParams = layers.reduce((a, l) => a + l.info.params, 0);
    return {
      id: m.meta.id,
      meta: m.meta,
      dataset: d.meta,
      layers,
      totalParams,
      float32Bits: 32 * totalParams,
    };
  },

  /** Histogram of one layer's kernel weights, binned here so the chart only draws. */
  async layerHistogram(
    dataset: DatasetId,
    arch: ArchId,
    layer: string,
    bins: number,
  ): Promise<LayerHistogram> {
    const m = await getModel(dataset, arch);
    const h = histogram(findLayer(m, layer).kernel, { bins });
    const result: LayerHistogram = {
      modelId: m.meta.id,
      layer,
      min: h.min,
      max: h.max,
      binWidth: h.binWidth,
      counts: h.counts,
    };
    return Comlink.transfer(result, [h.counts.buffer]);
  },

  /** Test accuracy over the first `limit` test examples (all by default). */
  async evaluate(dataset: DatasetId, arch: ArchId, limit?: number): Promise<Evaluation> {
    const [m, d] = await Promise.all([getModel(dataset, arch), getDataset(dataset)]);
    const t0 = performance.now();
    const r = await evaluateModel(
      m.model,
      d.testX,
      d.testLabels,
      limit === undefined ? {} : { limit },
    );
    const ms = performance.now() - t0;
    const result: Evaluation = { modelId: m.meta.id, ...r, ms };
    return Comlink.transfer(result, [r.confusion.buffer]);
  },

  /** Number of live tensors: lets tests and benchmarks check that nothing leaks. */
  memory(): { numTensors: number; numBytes: number } {
    const { numTensors, numBytes } = tf.memory();
    return { numTensors, numBytes };
  },
};

export type EngineApi = typeof engine;
