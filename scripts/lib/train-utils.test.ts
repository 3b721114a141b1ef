import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      const labels = Uint8Array.from({ length: 4 }, () => 0);
      const acc = evaluateAccuracy(loaded, testImages(4), labels, undefined, 3);
      expect(acc).toBeGreaterThanOrEqual(0);
      expect(acc).toBeLessThanOrEqual(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
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
