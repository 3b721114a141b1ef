import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import { compressSettings, compressed } from '../../compress';
import { applyMask } from '../../prune';
import { buildMlp, evaluate, readLayerWeights, setKernels } from '../../model/worker';
import { SIDECAR_FILE, decodeSidecarEntry } from '../shared/sidecar';
import type { CompressionSidecar } from '../shared/sidecar';
import { MODEL_FILE, WEIGHTS_FILE } from '../shared/modelExport';
import type { ModelExport } from '../shared/modelExport';
import { readManifest } from '../shared/tfjsExport';
import { exportLoadedModel, topologyOf } from './exportModel';
import type { ModelJsonSource } from './exportModel';

/**
 * The export of the app's own pipeline, judged by STOCK tfjs: the files are served over HTTP and
 * loaded with `tf.loadLayersModel`, as a user of the downloaded files does. The loaded weights
 * must be the app's compressed weights bit for bit, and the loaded model must get exactly the
 * app's count of correct test images (the app's own evaluate on its own model).
 */

const PUBLIC = resolve(import.meta.dirname, '../../../../public');

let m: LoadedModel;
let d: LoadedDataset;
let shipped: ModelJsonSource;

beforeAll(async () => {
  // The compute worker's backend, whose correct counts the app shows. On tfjs's cpu backend this
  // file took 24 s; on wasm about 5 s.
  await tf.setBackend('wasm');
  await tf.ready();
  m = await loadShippedModel('mnist', 'mlp');
  d = loadShippedDataset('mnist');
  const json = JSON.parse(readFileSync(resolve(PUBLIC, 'models/mnist-mlp/model.json'), 'utf8')) as {
    modelTopology: unknown;
  };
  shipped = { modelTopology: json.modelTopology, manifest: readManifest(json) };
});

afterAll(() => {
  d.testX.dispose();
  m.model.dispose();
});

/** Serves the export's files on 127.0.0.1 and loads model.json with stock tf.loadLayersModel. */
async function loadOverHttp(out: ModelExport): Promise<tf.LayersModel> {
  const body = new Map(
    out.files.map((f) => [
      `/${f.name}`,
      f.kind === 'json' ? new TextEncoder().encode(f.text) : f.bytes,
    ]),
  );
  const server: Server = createServer((req, res) => {
    const data = body.get(req.url ?? '');
    if (!data) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(data);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const { port } = server.address() as AddressInfo;
    return await tf.loadLayersModel(`http://127.0.0.1:${port}/${MODEL_FILE}`);
  } finally {
    await new Promise((ok) => server.close(ok));
  }
}

function bitDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) n++;
  return n;
}

const cfg = (patch: Partial<Config>): Config => ({ ...DEFAULT_CONFIG, ...patch });
const W = DEFAULT_CONFIG.weights;
const P = DEFAULT_CONFIG.prune;

interface Case {
  readonly name: string;
  readonly config: Config;
  /** What the weights file holds for each kernel (fc1, fc2, fc3). */
  readonly stored: string;
  readonly sidecar: boolean;
}

const CASES: Case[] = [
  {
    name: 'int4 per-tensor affine',
    config: cfg({
      weights: { ...W, format: 'int', bits: 4, scheme: 'affine', granularity: 'tensor' },
    }),
    stored: 'uint8',
    sidecar: true,
  },
  {
    name: 'int8 per-tensor symmetric',
    config: cfg({
      weights: { ...W, format: 'int', bits: 8, scheme: 'symmetric', granularity: 'tensor' },
    }),
    stored: 'uint8',
    sidecar: false,
  },
  {
    name: 'int3 per-tensor, 70% magnitude pruning',
    config: cfg({
      weights: { ...W, format: 'int', bits: 3, granularity: 'tensor' },
      prune: { ...P, method: 'magnitude', sparsity: 0.7 },
    }),
    stored: 'uint8',
    sidecar: true,
  },
  {
    name: 'int4 per-channel',
    config: cfg({ weights: { ...W, format: 'int', bits: 4, granularity: 'channel' } }),
    stored: 'float32',
    sidecar: true,
  },
  {
    name: 'binary per-tensor',
    config: cfg({ weights: { ...W, format: 'int', bits: 1, granularity: 'tensor' } }),
    stored: 'uint8',
    sidecar: true,
  },
  {
    name: 'binary, 50% magnitude pruning',
    config: cfg({
      weights: { ...W, format: 'int', bits: 1, granularity: 'tensor' },
      prune: { ...P, method: 'magnitude', sparsity: 0.5 },
    }),
    stored: 'float32',
    sidecar: true,
  },
  {
    name: 'ternary per-tensor, 2:4 pruning',
    config: cfg({
      weights: { ...W, format: 'int', bits: 2, ternary: true, granularity: 'tensor' },
      prune: { ...P, method: 'nm', pattern: '2:4' },
    }),
    stored: 'uint8',
    sidecar: true,
  },
  {
    name: '16 clusters, 80% global pruning',
    config: cfg({
      weights: { ...W, format: 'cluster' },
      cluster: { ...DEFAULT_CONFIG.cluster, k: 16 },
      prune: { ...P, method: 'global', sparsity: 0.8 },
    }),
    stored: 'float32',
    sidecar: true,
  },
  {
    name: 'float16',
    config: cfg({ weights: { ...W, format: 'float16' } }),
    stored: 'float16',
    sidecar: false,
  },
  {
    name: 'bfloat16',
    config: cfg({ weights: { ...W, format: 'bfloat16' } }),
    stored: 'float32',
    sidecar: false,
  },
  {
    name: 'float32, structured pruning (biases removed), int8',
    config: cfg({
      weights: { ...W, format: 'int', bits: 8, granularity: 'tensor' },
      prune: { ...P, method: 'structured', sparsity: 0.5, structuredBias: 'remove' },
    }),
    stored: 'uint8',
    sidecar: true,
  },
];

describe('export of the mnist-mlp pipeline, loaded by stock tf.loadLayersModel', () => {
  for (const c of CASES) {
    it(`${c.name}: the app’s weights bit for bit and the app’s correct count`, async () => {
      const settings = compressSettings(c.config);
      const out = exportLoadedModel(m, { weights: settings, acts: null }, shipped);
      const r = out.report;
      expect(r.exact).toBe(true);
      expect(r.activationsDropped).toBe(false);
      expect(r.layers.map((l) => l.fallback)).toEqual([false, false, false]);
      // The last layer is never structurally pruned; the others follow the case's format.
      expect(r.layers[0]!.stored).toBe(c.stored);
      expect(out.files.map((f) => f.name)).toEqual(
        c.sidecar ? [MODEL_FILE, WEIGHTS_FILE, SIDECAR_FILE] : [MODEL_FILE, WEIGHTS_FILE],
      );

      // What the app evaluates: the compressed kernels, biases with the structured bias mask.
      const app = compressed(m, settings);
      const expected = new Map<string, Float32Array>();
      for (const [i, w] of m.original.entries()) {
        const l = app.layers[i]!;
        expected.set(`${w.info.name}/kernel`, l.values);
        expected.set(`${w.info.name}/bias`, l.biasMask ? applyMask(w.bias!, l.biasMask) : w.bias!);
      }

      const loaded = await loadOverHttp(out);
      for (const v of loaded.weights) {
        const got = (await v.read().data()) as Float32Array;
        expect(bitDiff(got, expected.get(v.originalName)!), v.originalName).toBe(0);
      }
      // Sizes: the weights file is what the report says, file by file.
      const bin = out.files.find((f) => f.name === WEIGHTS_FILE)!;
      expect(bin.kind === 'binary' && bin.bytes.length).toBe(r.weightsFileBytes);
      expect(r.layers.reduce((a, l) => a + l.fileBytes, 0)).toBe(r.weightsFileBytes);

      // The sidecar decodes to the same values, for every tensor it keeps.
      const side = out.files.find((f) => f.name === SIDECAR_FILE);
      if (side && side.kind === 'json') {
        const sidecar = JSON.parse(side.text) as CompressionSidecar;
        expect(sidecar.totalPackedBits).toBe(r.sidecarPackedBits);
        for (const e of sidecar.tensors) {
          expect(bitDiff(decodeSidecarEntry(e).values, expected.get(e.name)!), e.name).toBe(0);
        }
      }

      // The app's evaluation: its compressed weights in its own model (as apply.ts loads them).
      const byLayer = (suffix: string) =>
        new Map(m.original.map((w) => [w.info.name, expected.get(`${w.info.name}/${suffix}`)!]));
      setKernels(m.model, m.original, byLayer('kernel'), byLayer('bias'));
      // The whole test set once (the e2e bar's case); the first 500 images for the others.
      const limit = c === CASES[0] ? undefined : 500;
      const appEval = await evaluate(m.model, d.testX, d.testLabels, { limit });
      const exportEval = await evaluate(loaded, d.testX, d.testLabels, { limit });
      setKernels(m.model, m.original, null, null);
      expect(exportEval.correct).toBe(appEval.correct);
      expect(Array.from(exportEval.confusion)).toEqual(Array.from(appEval.confusion));
      loaded.dispose();
    });
  }

  it('4-bit per-tensor: 1 byte a kernel weight in the file, 4 bits in the sidecar', () => {
    const settings = compressSettings(CASES[0]!.config);
    const r = exportLoadedModel(m, { weights: settings, acts: null }, shipped).report;
    for (const [i, w] of m.original.entries()) {
      const row = r.layers[i]!;
      expect(row.storedLabel).toBe('uint8 + scale/min');
      expect(row.fileBytes).toBe(w.kernel.length + 4 * w.bias!.length);
      // 4 bits a code plus a float32 scale and zero-point (affine).
      expect(row.sidecarBits).toBe(4 * w.kernel.length + 64);
      expect(row.sidecar).toBe('uint4 per-tensor affine');
    }
  });

  it('the uncompressed model exports as the shipped float32 weights', async () => {
    const out = exportLoadedModel(m, { weights: null, acts: null }, shipped);
    const bin = out.files.find((f) => f.name === WEIGHTS_FILE)!;
    const shippedBin = new Uint8Array(
      readFileSync(resolve(PUBLIC, 'models/mnist-mlp/weights.bin')),
    );
    expect(bin.kind === 'binary' && Buffer.from(bin.bytes).equals(Buffer.from(shippedBin))).toBe(
      true,
    );
  });

  it('says when activations were quantized in the app (not in the files)', async () => {
    const settings = compressSettings(CASES[0]!.config);
    const out = exportLoadedModel(
      m,
      { weights: settings, acts: { ...DEFAULT_CONFIG.acts, bits: 8 } },
      shipped,
    );
    expect(out.report.activationsDropped).toBe(true);
    const modelJson = out.files.find((f) => f.name === MODEL_FILE)!;
    const loaded = await loadOverHttp(out);
    expect(JSON.stringify(loaded.getUserDefinedMetadata())).toContain('cannot');
    expect(modelJson.kind).toBe('json');
    loaded.dispose();
  });
});

describe('export of a model built in the browser (a trained model)', () => {
  it('takes its topology from model.toJSON and loads with stock tfjs, weights bit for bit', async () => {
    const model = buildMlp(10, { hidden: [16], seed: 3 });
    const built = {
      model,
      meta: { ...m.meta, id: 'trained-test' },
      original: await readLayerWeights(model),
    };
    const config = cfg({ weights: { ...W, format: 'int', bits: 4, granularity: 'channel' } });
    const settings = compressSettings(config);
    const out = exportLoadedModel(built, { weights: settings, acts: null }, topologyOf(model));
    expect(out.report.exact).toBe(true);
    const app = compressed(built, settings);
    const loaded = await loadOverHttp(out);
    expect(loaded.weights.map((w) => w.originalName)).toEqual(
      model.weights.map((w) => w.originalName),
    );
    for (const [i, w] of built.original.entries()) {
      const got = (await loaded.getLayer(w.info.name).getWeights()[0]!.data()) as Float32Array;
      expect(bitDiff(got, app.layers[i]!.values)).toBe(0);
    }
    loaded.dispose();
    model.dispose();
  });
});
