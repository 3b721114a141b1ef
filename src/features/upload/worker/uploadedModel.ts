import * as tf from '@tensorflow/tfjs';
import type { DatasetId } from '../../model';
import type { DatasetMeta, ModelMeta } from '../../model';
import { chainLayers, readLayerWeights } from '../../model/worker';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import { mulberry32 } from '../../../platform/shared/random';
import type { UploadedModelId } from '../../model';
import { layerWeightsOf } from '../shared/layers';
import type { NormalizedModel } from '../shared/readModel';
import { getUploadedRecord } from './uploadedSource';

/** Synthetic inputs fidelity is measured on: how many, and the seed that makes them. */
export const FIDELITY_TEST_COUNT = 1000;
export const FIDELITY_CALIBRATION_COUNT = 1024;
export const FIDELITY_SEED = 20_240_611;

/**
 * An uploaded layers model, built for the labs like a shipped one: its chain rebuilt by tfjs
 * from the normalized topology (never `tf.io.browserFiles` or the raw upload), the validated
 * weights set layer by layer. Shaped for the shipped datasets, it is evaluated on them; any
 * other shape gets a test set of its own: seeded synthetic inputs labelled with the original
 * model's top-1 class, so that "accuracy" is the compressed model's top-1 agreement with it.
 */
export async function loadUploadedModel(
  dataset: DatasetId,
  id: UploadedModelId,
  testCount: number,
): Promise<LoadedModel> {
  const u = await getUploadedRecord(id);
  if (!u.topology || u.evaluation === 'none' || !u.imageShape)
    return weightsOnly(dataset, u, testCount);
  const model = await tf.models.modelFromJSON({
    modelTopology: u.topology,
  } as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
  for (const l of layerWeightsOf(u)) {
    const values = [tf.tensor(l.kernel, [...l.info.kernelShape])];
    if (l.bias && l.info.biasShape) values.push(tf.tensor(l.bias, [...l.info.biasShape]));
    model.getLayer(l.info.name).setWeights(values);
    tf.dispose(values);
  }
  const testSet = u.evaluation === 'fidelity' ? syntheticTestSet(model, u) : undefined;
  const meta: ModelMeta = {
    id,
    dataset,
    arch: 'uploaded',
    name: u.name,
    description: `Uploaded in this browser (${u.files.map((f) => f.name).join(', ')}). ${u.why}`,
    // Not in the files: the model card says so.
    testAccuracy: Number.NaN,
    testCount: testSet ? testSet.testLabels.length : testCount,
    params: u.tensors.reduce((n, t) => n + t.values.length, 0),
    training: { uploaded: true, evaluation: u.evaluation },
  };
  return {
    model,
    layers: chainLayers(model),
    meta,
    dataset,
    original: await readLayerWeights(model),
    applied: '',
    ...(testSet ? { testSet } : {}),
  };
}

/**
 * A model the labs cannot run (a graph model, a weights manifest, a layers model with layers
 * they do not run): its tensors are described, histogrammed and compressed like layers, and
 * anything that would run it fails with one sentence saying why, the same for every panel.
 */
function weightsOnly(dataset: DatasetId, u: NormalizedModel, testCount: number): LoadedModel {
  const original = layerWeightsOf(u);
  const cannot = () => {
    throw new Error(`${u.name} is not evaluated, only its weights are shown: ${u.why}`);
  };
  return {
    get model(): tf.LayersModel {
      return cannot();
    },
    get layers(): tf.layers.Layer[] {
      return cannot();
    },
    meta: {
      id: u.id,
      dataset,
      arch: 'uploaded',
      name: u.name,
      description: `Uploaded in this browser (${u.files.map((f) => f.name).join(', ')}). ${u.why}`,
      testAccuracy: Number.NaN,
      testCount,
      params: original.reduce((n, l) => n + l.info.params, 0),
      training: { uploaded: true, evaluation: 'none', kind: u.kind },
    },
    dataset,
    original,
    applied: '',
  };
}

/** `count` synthetic "images" of `shape`, bytes 0–255 (the labs scale them to 0–1). */
export function syntheticBytes(count: number, shape: readonly number[], seed: number): Uint8Array {
  const rand = mulberry32(seed);
  const out = new Uint8Array(count * shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

function syntheticTestSet(model: tf.LayersModel, u: NormalizedModel): LoadedDataset {
  const shape = u.imageShape!;
  const classes = u.classes ?? 1;
  const test = syntheticBytes(FIDELITY_TEST_COUNT, shape, FIDELITY_SEED);
  const testX = tf.tidy(() =>
    tf.tensor4d(
      Float32Array.from(test, (v) => v / 255),
      [FIDELITY_TEST_COUNT, ...shape],
    ),
  );
  // The original model's top-1 class of each input: the labels agreement is measured against.
  const labels = tf.tidy(() =>
    (model.predict(testX, { batchSize: 256 }) as tf.Tensor)
      .reshape([FIDELITY_TEST_COUNT, -1])
      .argMax(-1),
  );
  const raw = labels.dataSync();
  labels.dispose();
  const meta: DatasetMeta = {
    id: `synthetic-${u.sha256.slice(0, 12)}`,
    name: 'Synthetic inputs (seeded, uniform 0–1)',
    classes: Array.from({ length: classes }, (_, i) => `output ${i}`),
    imageShape: [...shape],
    train: { count: FIDELITY_CALIBRATION_COUNT },
    test: { count: FIDELITY_TEST_COUNT },
    source: `Generated: ${FIDELITY_TEST_COUNT} inputs of the model's declared shape, seed ${FIDELITY_SEED}`,
    license: 'none',
    split: 'labels are the original model’s top-1 outputs',
  };
  return {
    meta,
    testX,
    testLabels: Uint8Array.from(raw),
    train: Promise.resolve({
      x: syntheticBytes(FIDELITY_CALIBRATION_COUNT, shape, FIDELITY_SEED + 1),
      labels: new Uint8Array(FIDELITY_CALIBRATION_COUNT),
    }),
  };
}
