/** Helpers for scripts/train-models.ts: batches with augmentation, evaluation, saving. */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_SIZE, writeFileEnsured, writeJson } from './files';
import { randInt } from './rng';

export interface Augmentation {
  /** Random integer shift in [-shift, shift] pixels along each axis (zero fill). 0 = none. */
  shift: number;
  /** Random horizontal flip with probability 0.5. */
  hflip: boolean;
}

/**
 * Fill `out` (batch x 784 floats) with the images at `indices[start..end)`, scaled x/255,
 * augmented with `rng` when `aug` is given.
 */
export function fillBatch(
  images: Uint8Array,
  indices: ArrayLike<number>,
  start: number,
  end: number,
  out: Float32Array,
  aug: Augmentation | null,
  rng: () => number,
): void {
  const inv = 1 / 255;
  for (let i = start; i < end; i++) {
    const src = (indices[i] as number) * IMAGE_SIZE;
    const dst = (i - start) * IMAGE_SIZE;
    if (aug === null || (aug.shift === 0 && !aug.hflip)) {
      for (let p = 0; p < IMAGE_SIZE; p++) out[dst + p] = (images[src + p] as number) * inv;
      continue;
    }
    const dy = aug.shift > 0 ? randInt(rng, 2 * aug.shift + 1) - aug.shift : 0;
    const dx = aug.shift > 0 ? randInt(rng, 2 * aug.shift + 1) - aug.shift : 0;
    const flip = aug.hflip && rng() < 0.5;
    for (let r = 0; r < 28; r++) {
      const sr = r - dy;
      for (let c = 0; c < 28; c++) {
        const sc0 = c - dx;
        const sc = flip ? 27 - sc0 : sc0;
        out[dst + r * 28 + c] =
          sr >= 0 && sr < 28 && sc0 >= 0 && sc0 < 28
            ? (images[src + sr * 28 + sc] as number) * inv
            : 0;
      }
    }
  }
}

/** Top-1 accuracy of `model` (logits) on images/labels, in batches, with x/255. */
export function evaluateAccuracy(
  model: tf.LayersModel,
  images: Uint8Array,
  labels: Uint8Array,
  indices?: ArrayLike<number>,
  batchSize = 1000,
): number {
  const idx = indices ?? Int32Array.from({ length: labels.length }, (_, i) => i);
  const buf = new Float32Array(batchSize * IMAGE_SIZE);
  let correct = 0;
  for (let start = 0; start < idx.length; start += batchSize) {
    const end = Math.min(idx.length, start + batchSize);
    const n = end - start;
    fillBatch(images, idx, start, end, buf, null, Math.random);
    const pred = tf.tidy(() => {
      const x = tf.tensor4d(buf.subarray(0, n * IMAGE_SIZE), [n, 28, 28, 1]);
      return (model.predict(x) as tf.Tensor).argMax(-1).dataSync();
    });
    for (let i = 0; i < n; i++) if (pred[i] === labels[idx[start + i] as number]) correct++;
  }
  return correct / idx.length;
}

export interface SavedFiles {
  modelJson: Record<string, unknown>;
  weights: Uint8Array;
}

/** Serialize a model to standard TF.js layers-format artifacts (model.json + one weights.bin). */
export async function serializeModel(model: tf.LayersModel): Promise<SavedFiles> {
  let saved: SavedFiles | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (artifacts.weightData === undefined || artifacts.weightSpecs === undefined)
        throw new Error('no weights to save');
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
      saved = {
        modelJson: {
          modelTopology: artifacts.modelTopology,
          format: artifacts.format ?? 'layers-model',
          generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
          convertedBy: artifacts.convertedBy ?? null,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        },
        weights,
      };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (saved === null) throw new Error('save handler was not called');
  return saved;
}

export function writeModelFiles(dir: string, files: SavedFiles): void {
  writeJson(join(dir, 'model.json'), files.modelJson);
  writeFileEnsured(join(dir, 'weights.bin'), files.weights);
}

/** Load model.json + weights.bin from disk through an in-memory IOHandler. */
export async function loadModelFromDir(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const manifest = json.weightsManifest[0];
  if (manifest === undefined) throw new Error(`${dir}/model.json: empty weightsManifest`);
  const bin = readFileSync(join(dir, manifest.paths[0] ?? 'weights.bin'));
  const weightData = bin.buffer.slice(
    bin.byteOffset,
    bin.byteOffset + bin.byteLength,
  ) as ArrayBuffer;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: manifest.weights,
      weightData,
    }),
  );
}

export interface LayerInfo {
  name: string;
  className: string;
  outputShape: (number | null)[];
  params: number;
}

export function describeLayers(model: tf.LayersModel): LayerInfo[] {
  return model.layers
    .filter((l) => l.getClassName() !== 'InputLayer')
    .map((l) => ({
      name: l.name,
      className: l.getClassName(),
      outputShape: l.outputShape as (number | null)[],
      params: l.countParams(),
    }));
}
