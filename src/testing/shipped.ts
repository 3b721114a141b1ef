import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ArchId, DatasetId } from '../features/model/shared/catalog';
import { modelId } from '../features/model/shared/catalog';
import { DatasetMetaSchema, ModelMetaSchema } from '../features/model/shared/meta';
import { chainLayers } from '../features/model/worker/forward';
import { imagesToTensor } from '../features/model/worker/preprocess';
import { readLayerWeights } from '../features/model/worker/weights';
import type { LoadedDataset, LoadedModel } from '../platform/worker/assets';

/**
 * Test helpers (Node only): the shipped models and data read straight from public/, in the same
 * shapes the worker builds from fetched files, so worker logic can be tested without a browser.
 */
const PUBLIC = resolve(import.meta.dirname, '../../public');

function bytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(PUBLIC, path)));
}

export function loadShippedDataset(id: DatasetId): LoadedDataset {
  const meta = DatasetMetaSchema.parse(
    JSON.parse(readFileSync(resolve(PUBLIC, `data/${id}/meta.json`), 'utf8')),
  );
  const testLabels = bytes(`data/${id}/test-labels.u8`);
  const testX = imagesToTensor(
    bytes(`data/${id}/test-images.u8`),
    meta.test.count,
    meta.imageShape,
  );
  const train = {
    x: bytes(`data/${id}/train-images.u8`),
    labels: bytes(`data/${id}/train-labels.u8`),
  };
  return { meta, testX, testLabels, train: Promise.resolve(train) };
}

export async function loadShippedModel(dataset: DatasetId, arch: ArchId): Promise<LoadedModel> {
  const id = modelId(dataset, arch);
  const json = JSON.parse(readFileSync(resolve(PUBLIC, `models/${id}/model.json`), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = json.weightsManifest.flatMap((g) =>
    g.paths.map((p) => bytes(`models/${id}/${p}`)),
  );
  const total = buffers.reduce((a, b) => a + b.length, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.length;
  }
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData: weightData.buffer,
    }),
  );
  const meta = ModelMetaSchema.parse(
    JSON.parse(readFileSync(resolve(PUBLIC, `models/${id}/meta.json`), 'utf8')),
  );
  return {
    model,
    layers: chainLayers(model),
    meta,
    dataset,
    original: await readLayerWeights(model),
    applied: '',
  };
}
