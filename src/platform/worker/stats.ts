import * as Comlink from 'comlink';
import type { DatasetId } from '../../features/model/shared/catalog';
import type { ModelArch } from '../shared/config';
import { isTrainedModelId, isUploadedModelId } from '../../features/model/shared/modelId';
import type { UploadedModelId } from '../../features/model/shared/modelId';
// Not the upload feature's worker index: that one loads tfjs, which this worker never does.
import { getUploadedRecord } from '../../features/upload/worker/uploadedSource';
import { layerWeightsOf } from '../../features/upload/shared/layers';
import { layersFromStored } from '../../features/model/shared/trainedLayers';
import { getTrainedRecord } from '../../features/model/worker/trainedSource';
import { modelId } from '../../features/model/shared/catalog';
import type { Storage } from '../shared/config';
import type { CompressSettings } from '../../features/compress/shared/pipeline';
import { readLayersModelWeights } from '../../features/model/shared/weightsFile';
import { histogram, layerBins } from '../shared/histogram';
import type { LayerHistogram } from './engine';
import type { WeightsSource } from '../../features/compress/shared/compressed';
import {
  allLayerErrors,
  compressionReport,
  inspectWeights,
  maskImage,
} from '../../features/compress/shared/inspect';
import {
  compressedLayer,
  layerErrorOf,
  layerSummary,
} from '../../features/compress/shared/compressed';
import type {
  CompressionReport,
  LayerErrors,
  MaskImage,
  WeightInspection,
} from '../../features/compress/shared/inspect';

/**
 * The stats worker: the instant views (weight histograms with the grid, sizes, sparsity, the mask
 * image) from the shipped weights, with no tfjs. It runs beside the compute worker so that these
 * never wait behind an evaluation: a slider step shows its histogram while the accuracy is still
 * being measured.
 */

const baseUrl = () => new URL(import.meta.env.BASE_URL, self.location.origin);
const models = new Map<string, Promise<WeightsSource>>();

async function load(id: string): Promise<WeightsSource> {
  const [json, bin] = await Promise.all([
    fetch(new URL(`models/${id}/model.json`, baseUrl())).then((r) => {
      if (!r.ok) throw new Error(`Could not load models/${id}/model.json: HTTP ${r.status}.`);
      return r.json() as Promise<unknown>;
    }),
    fetch(new URL(`models/${id}/weights.bin`, baseUrl())).then((r) => {
      if (!r.ok) throw new Error(`Could not load models/${id}/weights.bin: HTTP ${r.status}.`);
      return r.arrayBuffer();
    }),
  ]);
  return { meta: { id }, original: readLayersModelWeights(json, bin) };
}

/** A model trained in this browser: its kept weights, read from IndexedDB. */
async function loadTrained(dataset: DatasetId, id: ModelArch & `trained:${string}`) {
  const record = await getTrainedRecord(id);
  if (record.dataset !== dataset)
    throw new Error(`${record.name} was trained on ${record.dataset}, not ${dataset}.`);
  return { meta: { id }, original: layersFromStored(record.layers) };
}

/** A model uploaded in this browser: its files, read and checked again from IndexedDB. */
async function loadUploaded(id: UploadedModelId): Promise<WeightsSource> {
  return { meta: { id }, original: layerWeightsOf(await getUploadedRecord(id)) };
}

function getModel(dataset: DatasetId, arch: ModelArch): Promise<WeightsSource> {
  if (isUploadedModelId(arch)) {
    let p = models.get(arch);
    if (!p) {
      p = loadUploaded(arch);
      p.catch(() => models.delete(arch));
      models.set(arch, p);
    }
    return p;
  }
  const id = isTrainedModelId(arch) ? arch : modelId(dataset, arch);
  let p = models.get(id);
  if (!p) {
    p = isTrainedModelId(arch) ? loadTrained(dataset, arch) : load(id);
    p.catch(() => models.delete(id));
    models.set(id, p);
  }
  return p;
}

/**
 * A large model's whole-model views (sizes, every layer's errors) are computed one layer per task:
 * the next slider step's histogram then runs between two layers instead of after the whole model
 * (a 4 M-parameter model's report is several layers' quantization), and a newer request of the
 * same view stops an older one at its next layer (CancelledError, as the compute worker's
 * superseded jobs). Models of up to 2^20 weights (the shipped ones) are computed in one go.
 */
const CHUNKED_ABOVE = 1 << 20;
const latestView = new Map<string, number>();
let viewTicket = 0;

const nextTask = () =>
  new Promise<void>((resolve) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => {
      c.port1.close();
      resolve();
    };
    c.port2.postMessage(null);
  });

async function layerByLayer(view: string, m: WeightsSource, each: (i: number) => unknown) {
  if (m.original.reduce((n, l) => n + l.kernel.length, 0) <= CHUNKED_ABOVE) return;
  const mine = ++viewTicket;
  latestView.set(view, mine);
  for (let i = 0; i < m.original.length; i++) {
    await nextTask();
    if (latestView.get(view) !== mine) {
      const e = new Error(`Superseded by a newer ${view} request`);
      e.name = 'CancelledError';
      throw e;
    }
    each(i);
  }
}

export const stats = {
  /** Answers as soon as the worker's event loop is free: the client's heartbeat. */
  ping(): true {
    return true;
  },

  /**
   * Histogram of one layer's trained kernel weights (the Model tab's), binned here so the chart
   * only draws. Here rather than in the compute worker: a bins step never waits behind an
   * evaluation, and a cold visit's first accuracy does not wait behind it.
   */
  async layerHistogram(
    dataset: DatasetId,
    arch: ModelArch,
    layer: string,
    bins: number,
  ): Promise<LayerHistogram> {
    const m = await getModel(dataset, arch);
    const w = m.original.find((l) => l.info.name === layer);
    if (!w) throw new Error(`Model ${m.meta.id} has no layer "${layer}".`);
    const h = histogram(w.kernel, { bins });
    const result: LayerHistogram = layerBins(m.meta.id, layer, h);
    return Comlink.transfer(result, [h.counts.buffer]);
  },

  async inspectWeights(
    dataset: DatasetId,
    arch: ModelArch,
    settings: CompressSettings,
    layer: string,
    bins: number,
  ): Promise<WeightInspection> {
    const r = inspectWeights(await getModel(dataset, arch), settings, layer, bins);
    return Comlink.transfer(r, [r.original.buffer, r.quantized.buffer]);
  },

  async layerErrors(
    dataset: DatasetId,
    arch: ModelArch,
    settings: CompressSettings,
  ): Promise<LayerErrors> {
    const m = await getModel(dataset, arch);
    await layerByLayer('layerErrors', m, (i) => layerErrorOf(m, settings, i));
    return allLayerErrors(m, settings);
  },

  async compressionReport(
    dataset: DatasetId,
    arch: ModelArch,
    settings: CompressSettings,
    storage: Storage,
  ): Promise<CompressionReport> {
    const m = await getModel(dataset, arch);
    await layerByLayer(
      'compressionReport',
      m,
      (i) => layerSummary(m, settings, i) ?? compressedLayer(m, settings, i),
    );
    return compressionReport(m, settings, storage);
  },

  async maskImage(
    dataset: DatasetId,
    arch: ModelArch,
    settings: CompressSettings,
    layer: string,
  ): Promise<MaskImage> {
    const r = maskImage(await getModel(dataset, arch), settings, layer);
    return Comlink.transfer(r, [r.pixels.buffer]);
  },
};

export type StatsApi = typeof stats;
