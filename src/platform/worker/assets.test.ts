// @vitest-environment node
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DatasetMetaSchema, ModelMetaSchema } from '../../features/model/shared/meta';
import type { ArchId, DatasetId } from '../../features/model/shared/catalog';
import { ARCH_IDS, DATASET_IDS, modelId } from '../../features/model/shared/catalog';
import { getDataset, getModel, getTrain } from './assets';
import { APP_ORIGIN, appOrigin } from '../../testing/appOrigin';

/**
 * The worker's real asset loaders (fetch → validate → tfjs), with `fetch` stubbed to serve the
 * files under public/ from disk by URL path, as the app's origin serves them. Each test can
 * make one file missing (404) or truncated, to check that the load fails naming that file, and
 * that a failed load is forgotten: once the file is back the next request loads it.
 */
const PUBLIC = resolve(import.meta.dirname, '../../../public');

const { fetch: fakeFetch, faults, requested } = appOrigin();
const disk = (path: string) => new Uint8Array(readFileSync(resolve(PUBLIC, path)));

beforeAll(async () => {
  await tf.setBackend('wasm');
  vi.stubGlobal('self', { location: { origin: APP_ORIGIN } });
  vi.stubGlobal('fetch', fakeFetch);
});

afterAll(() => {
  vi.unstubAllGlobals();
});

const truncate = (keep: number) => (b: Uint8Array) => b.slice(0, keep);
const half = (b: Uint8Array) => b.slice(0, Math.floor(b.length / 2));

/** Runs `load` with `path` served as `fault`: it must reject naming the file; then without. */
async function failsNaming<T>(
  path: string,
  fault: 'missing' | ((b: Uint8Array) => Uint8Array),
  load: () => Promise<T>,
): Promise<string> {
  faults.set(path, fault);
  let message = '';
  try {
    await load();
  } catch (e) {
    message = (e as Error).message;
  } finally {
    faults.delete(path);
  }
  expect(message, `loading with ${path} ${fault === 'missing' ? 'missing' : 'damaged'}`).toContain(
    path,
  );
  return message;
}

const modelJson = (id: string) =>
  JSON.parse(readFileSync(resolve(PUBLIC, `models/${id}/model.json`), 'utf8')) as {
    weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
  };

describe('shipped models through the real loader', () => {
  for (const dataset of DATASET_IDS)
    for (const arch of ARCH_IDS)
      it(`${dataset}-${arch}: the layers the meta describes, the weights of the shipped file`, async () => {
        const id = modelId(dataset, arch);
        const m = await getModel(dataset, arch);
        const meta = ModelMetaSchema.parse(
          JSON.parse(new TextDecoder().decode(disk(`models/${id}/meta.json`))),
        );
        expect(m.meta).toEqual(meta);
        expect(m.meta.id).toBe(id);
        expect(m.dataset).toBe(dataset);
        expect(m.applied).toBe('');
        // The parameter count the catalog records is the weights loaded.
        const params = m.original.reduce((a, l) => a + l.info.params, 0);
        expect(params).toBe(meta.params);
        expect(m.model.countParams()).toBe(meta.params);
        const rawLayers = (
          JSON.parse(new TextDecoder().decode(disk(`models/${id}/meta.json`))) as {
            layers: { name: string; outputShape: (number | null)[] }[];
          }
        ).layers;
        // Every layer in order, with the output shapes the meta lists.
        expect(m.layers.map((l) => l.name)).toEqual(rawLayers.map((l) => l.name));
        for (const [i, l] of m.layers.entries())
          expect(l.outputShape).toEqual(rawLayers[i]!.outputShape);
        // Weights: the manifest's tensors, in file order, equal the bytes of weights.bin.
        const manifest = modelJson(id).weightsManifest;
        const file = manifest.flatMap((g) => g.paths).map((p) => disk(`models/${id}/${p}`));
        const bytes = new Uint8Array(file.reduce((a, b) => a + b.length, 0));
        let at = 0;
        for (const b of file) {
          bytes.set(b, at);
          at += b.length;
        }
        const floats = new Float32Array(bytes.buffer);
        const byName = new Map<string, Float32Array>();
        for (const l of m.original) {
          byName.set(`${l.info.name}/kernel`, l.kernel);
          if (l.bias) byName.set(`${l.info.name}/bias`, l.bias);
        }
        let offset = 0;
        for (const spec of manifest.flatMap((g) => g.weights)) {
          const n = spec.shape.reduce((a, b) => a * b, 1);
          const loaded = byName.get(spec.name)!;
          expect(loaded, spec.name).toBeDefined();
          expect(loaded.length).toBe(n);
          // Bit for bit: compare the bytes, not the floats (so a NaN could not hide).
          const got = Buffer.from(loaded.buffer, loaded.byteOffset, loaded.byteLength);
          expect(Buffer.compare(got, bytes.subarray(offset * 4, (offset + n) * 4)), spec.name).toBe(
            0,
          );
          offset += n;
        }
        expect(offset).toBe(floats.length);
        // …and they are what the model's variables hold.
        const first = m.original[0]!;
        const v = m.model.getLayer(first.info.name).getWeights()[0]!;
        const held = v.dataSync() as Float32Array;
        expect(
          Buffer.compare(
            Buffer.from(held.buffer, held.byteOffset, held.byteLength),
            Buffer.from(first.kernel.buffer, first.kernel.byteOffset, first.kernel.byteLength),
          ),
        ).toBe(0);
        // Cached: the same object for the next request.
        expect(await getModel(dataset, arch)).toBe(m);
      });
});

describe('shipped datasets through the real loader', () => {
  for (const id of DATASET_IDS)
    it(`${id}: the counts and shape its meta gives, the bytes of the files`, async () => {
      const d = await getDataset(id);
      const meta = DatasetMetaSchema.parse(
        JSON.parse(new TextDecoder().decode(disk(`data/${id}/meta.json`))),
      );
      expect(d.meta).toEqual(meta);
      const [h, w, c] = meta.imageShape;
      expect(d.testX.shape).toEqual([meta.test.count, h, w, c]);
      expect(Buffer.compare(d.testLabels, disk(`data/${id}/test-labels.u8`))).toBe(0);
      expect(d.testLabels.length).toBe(meta.test.count);
      // Pixels are the file's bytes / 255.
      const pixels = disk(`data/${id}/test-images.u8`);
      const x = d.testX.dataSync();
      let wrong = 0;
      for (let i = 0; i < pixels.length; i++)
        if (Math.abs(x[i]! - pixels[i]! / 255) > 1e-7) wrong++;
      expect(wrong).toBe(0);
      const train = await getTrain(d);
      expect(train.labels.length).toBe(meta.train.count);
      expect(train.x.length).toBe(meta.train.count * h * w * c);
      expect(Buffer.compare(train.labels, disk(`data/${id}/train-labels.u8`))).toBe(0);
      expect(Buffer.compare(train.x, disk(`data/${id}/train-images.u8`))).toBe(0);
      expect(await getDataset(id)).toBe(d);
    });
});

/** A fresh copy of the loader module: empty caches, so every file is fetched again. */
async function freshAssets() {
  vi.resetModules();
  return import('./assets');
}

describe('a missing or damaged file fails the load, naming the file; the failure is not cached', () => {
  type Fault = 'missing' | ((b: Uint8Array) => Uint8Array);
  const modelCases: [string, string, Fault][] = [
    ['meta.json', 'missing', 'missing'],
    ['meta.json', 'cut after 40 bytes', truncate(40)],
    ['model.json', 'missing', 'missing'],
    ['model.json', 'cut in half', half],
    ['weights.bin', 'missing', 'missing'],
    ['weights.bin', 'cut in half', half],
    // One float short: the last bias would be read past the end of the file.
    ['weights.bin', 'one float short', (b) => b.slice(0, b.length - 4)],
    // Longer than the manifest: not the file the model was built with.
    ['weights.bin', 'one float too long', (b) => new Uint8Array([...b, 0, 0, 0, 0])],
  ];
  for (const [dataset, arch] of [
    ['mnist', 'cnn'],
    ['fashion', 'mlp'],
  ] as [DatasetId, ArchId][])
    for (const [file, label, fault] of modelCases)
      it(`${dataset}-${arch}: ${file} ${label}`, async () => {
        const a = await freshAssets();
        const path = `models/${modelId(dataset, arch)}/${file}`;
        await failsNaming(path, fault, () => a.getModel(dataset, arch));
        // The file is back: the next request loads the model.
        const m = await a.getModel(dataset, arch);
        expect(m.model.countParams()).toBe(m.meta.params);
      });

  const dataCases: [string, Fault][] = [
    ['meta.json', 'missing'],
    ['meta.json', truncate(100)],
    ['test-images.u8', 'missing'],
    ['test-images.u8', truncate(784 * 1000)],
    ['test-labels.u8', 'missing'],
    ['test-labels.u8', truncate(1999)],
  ];
  for (const [file, fault] of dataCases)
    it(`mnist: ${file} ${fault === 'missing' ? 'missing' : 'truncated'}`, async () => {
      const a = await freshAssets();
      await failsNaming(`data/mnist/${file}`, fault, () => a.getDataset('mnist'));
      const d = await a.getDataset('mnist');
      expect(d.testLabels.length).toBe(d.meta.test.count);
    });

  for (const [file, fault] of [
    ['train-images.u8', 'missing'],
    ['train-images.u8', truncate(784 * 100)],
    ['train-labels.u8', 'missing'],
    ['train-labels.u8', truncate(7999)],
  ] as [string, Fault][])
    it(`mnist training split: ${file} ${fault === 'missing' ? 'missing' : 'truncated'}`, async () => {
      const a = await freshAssets();
      const d = await a.getDataset('mnist');
      await failsNaming(`data/mnist/${file}`, fault, () => a.getTrain(d));
      expect((await a.getTrain(d)).labels.length).toBe(d.meta.train.count);
    });

  it('fetches from the app’s own origin only', () => {
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.every((p) => p.startsWith('models/') || p.startsWith('data/'))).toBe(true);
  });
});

describe('prefetch: the files download before the backend is asked for', () => {
  it('a prefetched model and dataset load with each file fetched once, and the same bytes', async () => {
    const a = await freshAssets();
    requested.length = 0;
    a.prefetch('fashion', 'mlp');
    const early = [...requested].sort();
    // All six files are asked for at once, before any load starts.
    expect(early).toEqual(
      [
        'data/fashion/meta.json',
        // Served gzip-compressed (platform/shared/dataFiles.ts); the loads get the raw bytes.
        'data/fashion/test-images.u8.gz',
        'data/fashion/test-labels.u8.gz',
        'models/fashion-mlp/meta.json',
        'models/fashion-mlp/model.json',
        'models/fashion-mlp/weights.bin',
      ].sort(),
    );
    const [m, d] = await Promise.all([a.getModel('fashion', 'mlp'), a.getDataset('fashion')]);
    // The loads used the prefetched bytes: nothing fetched a second time.
    expect([...requested].sort()).toEqual(early);
    expect(d.testLabels).toEqual(disk('data/fashion/test-labels.u8'));
    const kernel = m.original[0]!.kernel;
    expect(kernel.length).toBe(m.original[0]!.info.params - (m.original[0]!.bias?.length ?? 0));
    // Loaded or loading: a second prefetch fetches nothing.
    a.prefetch('fashion', 'mlp');
    expect([...requested].sort()).toEqual(early);
  });

  it('a prefetch that failed is not kept: the load fetches again and names the file', async () => {
    const a = await freshAssets();
    faults.set('data/mnist/test-labels.u8', 'missing');
    a.prefetch('mnist', 'mlp');
    await new Promise((r) => setTimeout(r, 0));
    faults.delete('data/mnist/test-labels.u8');
    const d = await a.getDataset('mnist');
    expect(d.testLabels.length).toBe(d.meta.test.count);
  });
});
