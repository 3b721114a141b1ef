import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCnn, buildMlp } from '../../src/features/model/worker/architectures';
import { mulberry32 } from './rng';
import {
  describeLayers,
  evaluateAccuracy,
  fillBatch,
  loadModelFromDir,
  serializeModel,
  writeModelFiles,
} from './train-utils';

const PUBLIC = resolve(import.meta.dirname, '../../public');

function testImages(n: number): Uint8Array {
  return Uint8Array.from({ length: n * 784 }, (_, i) => (i * 7 + (i >> 5)) & 255);
}

describe('fillBatch', () => {
  const images = testImages(3);

  it('scales by 1/255 without augmentation', () => {
    const out = new Float32Array(2 * 784);
    fillBatch(images, [2, 0], 0, 2, out, null, mulberry32(1));
    expect(out[0]).toBeCloseTo((images[2 * 784] as number) / 255, 6);
    expect(out[784 + 100]).toBeCloseTo((images[100] as number) / 255, 6);
  });

  it('flips horizontally and shifts within bounds, deterministically', () => {
    const out = new Float32Array(784);
    // Find a seed whose first draw flips (rng() < 0.5) and check the mirror image.
    const flipSeed =
      Array.from({ length: 1000 }, (_, i) => i * 7919 + 1).find((s) => mulberry32(s)() < 0.5) ?? 1;
    fillBatch(images, [1], 0, 1, out, { shift: 0, hflip: true }, mulberry32(flipSeed));
    for (const [r, c] of [
      [0, 0],
      [5, 3],
      [27, 27],
    ] as const) {
      expect(out[r * 28 + c]).toBeCloseTo((images[784 + r * 28 + (27 - c)] as number) / 255, 6);
    }
    const a = new Float32Array(784);
    const b = new Float32Array(784);
    fillBatch(images, [0], 0, 1, a, { shift: 2, hflip: false }, mulberry32(9));
    fillBatch(images, [0], 0, 1, b, { shift: 2, hflip: false }, mulberry32(9));
    expect(Array.from(a)).toEqual(Array.from(b));
    // A shifted image equals the original moved by (dy, dx) for some |dy|, |dx| <= 2.
    let found = false;
    for (let dy = -2; dy <= 2 && !found; dy++) {
      for (let dx = -2; dx <= 2 && !found; dx++) {
        let ok = true;
        for (let r = 0; r < 28 && ok; r++) {
          for (let c = 0; c < 28 && ok; c++) {
            const sr = r - dy;
            const sc = c - dx;
            const expected =
              sr >= 0 && sr < 28 && sc >= 0 && sc < 28 ? (images[sr * 28 + sc] as number) / 255 : 0;
            ok = Math.abs((a[r * 28 + c] as number) - expected) < 1e-6;
          }
        }
        found = ok;
      }
    }
    expect(found).toBe(true);
  });
});

describe('model save / load', () => {
  it('round-trips a model through model.json + weights.bin with identical outputs', async () => {
    await tf.setBackend('cpu');
    const dir = mkdtempSync(join(tmpdir(), 'model-'));
    try {
      const model = buildCnn(10, { seed: 3, filters1: 4, filters2: 8 });
      writeModelFiles(dir, await serializeModel(model));
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(json.format).toBe('layers-model');
      expect(json.convertedBy).toBeNull();
      expect((json.weightsManifest as { paths: string[] }[])[0]?.paths).toEqual(['weights.bin']);
      expect(readFileSync(join(dir, 'weights.bin')).length).toBe(model.countParams() * 4);
      const loaded = await loadModelFromDir(dir);
      const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 5);
      const diff = tf
        .sub(model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor)
        .abs()
        .max()
        .dataSync()[0];
      expect(diff).toBe(0);
      expect(describeLayers(loaded).map((l) => l.name)).toEqual([
        'conv1',
        'pool1',
        'conv2',
        'pool2',
        'flatten',
        'fc1',
        'fc2',
        'fc3',
      ]);
      // Labels built from the model's own top-1 (images scaled by 1/255), in batches of 3
      // (4 images: a full batch and a partial one): all right, all wrong, and 3 of 4.
      const images = testImages(4);
      const top1 = tf.tidy(() =>
        Array.from(
          (
            loaded.predict(
              tf.tensor4d(
                Float32Array.from(images, (v) => v / 255),
                [4, 28, 28, 1],
              ),
            ) as tf.Tensor
          )
            .argMax(-1)
            .dataSync(),
        ),
      );
      const right = Uint8Array.from(top1);
      const wrong = Uint8Array.from(top1, (p) => (p + 1) % 10);
      expect(evaluateAccuracy(loaded, images, right, undefined, 3)).toBe(1);
      expect(evaluateAccuracy(loaded, images, wrong, undefined, 3)).toBe(0);
      const mixed = Uint8Array.from(right);
      mixed[3] = wrong[3]!;
      expect(evaluateAccuracy(loaded, images, mixed, undefined, 3)).toBe(0.75);
      // With indices, only those images count, each against its own label.
      expect(evaluateAccuracy(loaded, images, mixed, [3, 1], 3)).toBe(0.5);
      expect(evaluateAccuracy(loaded, images, mixed, [0, 2, 1])).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reproduces the test accuracy recorded in the shipped MLPs’ meta.json', async () => {
    // train-models.ts writes meta.testAccuracy = evaluateAccuracy(reloaded model, test set).
    // On the wasm backend (as training ran) to keep the 12,000 images quick.
    await tf.setBackend('wasm');
    for (const dataset of ['mnist', 'fashion']) {
      const dir = join(PUBLIC, 'models', `${dataset}-mlp`);
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as {
        testAccuracy: number;
        testCount: number;
      };
      const model = await loadModelFromDir(dir);
      const images = new Uint8Array(readFileSync(join(PUBLIC, 'data', dataset, 'test-images.u8')));
      const labels = new Uint8Array(readFileSync(join(PUBLIC, 'data', dataset, 'test-labels.u8')));
      expect(labels.length).toBe(meta.testCount);
      expect(evaluateAccuracy(model, images, labels)).toBe(meta.testAccuracy);
      model.dispose();
    }
  });

  it('builds dropout and clean models with the same weight list', () => {
    const train = buildMlp(10, { seed: 1, dropout: 0.5 });
    const clean = buildMlp(10, { seed: 1 });
    expect(train.getWeights().map((w) => w.shape)).toEqual(clean.getWeights().map((w) => w.shape));
    expect(clean.layers.map((l) => l.name)).toEqual(['input', 'flatten', 'fc1', 'fc2', 'fc3']);
    expect(clean.countParams()).toBe(266_610);
    const a = train.getWeights()[0]?.dataSync();
    const b = clean.getWeights()[0]?.dataSync();
    expect(a?.[0]).toBe(b?.[0]); // same seeds, same initial weights
  });
});
