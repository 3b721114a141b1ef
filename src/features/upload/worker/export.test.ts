import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { loadShippedDataset } from '../../../testing/shipped';
import { compressSettings, compressed } from '../../compress';
import { evaluate } from '../../model/worker';
import { goodCases, jsonBytes } from '../shared/corpus';
import { memoryInput, readUpload } from '../shared/readModel';
import type { NormalizedModel } from '../shared/readModel';
import { openUploadStore } from '../store/uploadStore';
import { loadUploadedModel } from './uploadedModel';
import {
  MANIFEST_FILE,
  MODEL_FILE,
  SIDECAR_FILE,
  WEIGHTS_FILE,
  exportUploadedModel,
} from '../../export/worker';
import type { ModelExport } from '../../export/worker';

/**
 * Exports of uploaded models, judged by STOCK tfjs: a layers model comes back from
 * `tf.loadLayersModel` with the upload's own layer names and input shape (not the labs' 28×28×1
 * adapter) and the app's compressed weights bit for bit, and gets the app's correct count; a
 * graph model comes back from `tf.loadGraphModel` with the compressed weights and its int32
 * constant unchanged; a bare weights manifest decodes (tf.io.decodeWeights) to the same.
 */

type File = { name: string; bytes: Uint8Array };

async function keep(files: readonly File[]): Promise<NormalizedModel> {
  const r = await readUpload(files.map((f) => memoryInput(f.name, f.bytes)));
  if (!r.ok) throw new Error(r.problems[0]!.message);
  const store = await openUploadStore();
  await store.put(
    r.model,
    files.map((f) => ({ name: f.name, data: f.bytes.slice().buffer })),
  );
  store.close();
  return r.model;
}

/** The shipped MNIST MLP re-declared as a 784-input functional model: no Flatten layer. */
function flatMlp(): File[] {
  const json = JSON.parse(readFileSync('public/models/mnist-mlp/model.json', 'utf8')) as {
    modelTopology: {
      config: {
        name: string;
        layers: { name: string; config: Record<string, unknown>; inbound_nodes: unknown }[];
      };
    };
  };
  const c = json.modelTopology.config;
  c.name = 'flat_mlp';
  c.layers[0]!.config.batch_input_shape = [null, 784];
  c.layers.splice(1, 1); // the Flatten
  c.layers[1]!.inbound_nodes = [[[c.layers[0]!.name, 0, 0, {}]]];
  return [
    { name: 'model.json', bytes: jsonBytes(json) },
    {
      name: 'weights.bin',
      bytes: new Uint8Array(readFileSync('public/models/mnist-mlp/weights.bin')),
    },
  ];
}

async function serve<T>(out: ModelExport, load: (url: string) => Promise<T>): Promise<T> {
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
    return await load(`http://127.0.0.1:${port}/${MODEL_FILE}`);
  } finally {
    await new Promise((ok) => server.close(ok));
  }
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.every((v, i) => v === y[i]);
}

const FOUR_BIT: Config = {
  ...DEFAULT_CONFIG,
  weights: { ...DEFAULT_CONFIG.weights, format: 'int', bits: 4, granularity: 'tensor' },
};
const request = { weights: compressSettings(FOUR_BIT), acts: null };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('exporting an uploaded model', () => {
  const d = loadShippedDataset('mnist');
  afterAll(() => d.testX.dispose());

  it('a 784-input layers model loads in stock tfjs with its own names and shape, and scores as in the app', async () => {
    const u = await keep(flatMlp());
    expect(u.evaluation).toBe('dataset');
    const m = await loadUploadedModel('mnist', u.id, d.meta.test.count);
    const out = exportUploadedModel(m, request, u);
    expect(out.report.layout).toBe('layers-model');
    expect(out.report.exact).toBe(true);
    expect(out.files.map((f) => f.name)).toContain(WEIGHTS_FILE);

    const loaded = await serve(out, (url) => tf.loadLayersModel(url));
    // The upload's own model: 784 inputs, its layer names, no adapter layer.
    expect(loaded.inputs[0]!.shape).toEqual([null, 784]);
    expect(loaded.layers.map((l) => l.name)).toEqual(['fc1', 'fc2', 'fc3']);
    const c = compressed(m, request.weights);
    for (const [i, name] of ['fc1', 'fc2', 'fc3'].entries()) {
      const kernel = loaded.getLayer(name).getWeights()[0]!.dataSync() as Float32Array;
      expect(sameBits(kernel, c.layers[i]!.values), name).toBe(true);
    }

    // The app's compressed model (weights loaded into the labs' model) and the export agree
    // on every test image counted.
    const limit = 500;
    const values = m.original.map((l, i) => [c.layers[i]!.values, l.bias] as const);
    for (const [i, l] of m.original.entries()) {
      const [k, b] = values[i]!;
      const ts = [tf.tensor(k, [...l.info.kernelShape]), tf.tensor(b!, [b!.length])];
      m.model.getLayer(l.info.name).setWeights(ts);
      tf.dispose(ts);
    }
    const app = await evaluate(m.model, d.testX, d.testLabels, { limit });
    const flat = d.testX.slice(0, limit).reshape([limit, 784]);
    const predicted = (loaded.predict(flat) as tf.Tensor).argMax(-1).dataSync();
    flat.dispose();
    let correct = 0;
    for (let i = 0; i < limit; i++) if (predicted[i] === d.testLabels[i]) correct++;
    expect(correct).toBe(app.correct);
    loaded.dispose();
  });

  it('a model of another shape (fidelity) keeps its declared input and output', async () => {
    const k3 = goodCases().find((x) => x.id === 'keras3-sequential')!;
    const u = await keep(k3.files);
    const m = await loadUploadedModel('mnist', u.id, 1000);
    const out = exportUploadedModel(m, request, u);
    const loaded = await serve(out, (url) => tf.loadLayersModel(url));
    expect(loaded.inputs[0]!.shape).toEqual([null, 4]);
    expect(loaded.outputs[0]!.shape).toEqual([null, 2]);
    expect(loaded.layers.map((l) => l.name)).toEqual(['dense1', 'dense2']);
    const c = compressed(m, request.weights);
    expect(
      sameBits(
        loaded.getLayer('dense2').getWeights()[0]!.dataSync() as Float32Array,
        c.layers[1]!.values,
      ),
    ).toBe(true);
    loaded.dispose();
  });

  it('a graph model: tf.loadGraphModel loads the same graph with the compressed weights', async () => {
    const g = goodCases().find((x) => x.id === 'graph-model')!;
    const u = await keep(g.files);
    const m = await loadUploadedModel('mnist', u.id, 1000);
    const out = exportUploadedModel(m, request, u);
    expect(out.report.layout).toBe('graph-model');
    expect(out.report.otherTensors).toBe(1);
    const json = JSON.parse(
      (out.files.find((f) => f.name === MODEL_FILE) as { text: string }).text,
    ) as { format: string; modelTopology: { node: unknown[] } };
    expect(json.format).toBe('graph-model');
    expect(json.modelTopology.node).toHaveLength(5);
    const loaded = await serve(out, (url) => tf.loadGraphModel(url));
    const weights = loaded.weights;
    const kernel = weights['StatefulPartitionedCall/dense/MatMul/ReadVariableOp']![0]!;
    const c = compressed(m, request.weights);
    expect(sameBits(kernel.dataSync() as Float32Array, c.layers[0]!.values)).toBe(true);
    const shape = weights['shape']![0]!;
    expect(shape.dtype).toBe('int32');
    expect(Array.from(shape.dataSync())).toEqual([-1, 2]);
    loaded.dispose();
  });

  it('a bare weights manifest: every tensor in the uploaded order, decoded by stock tfjs', async () => {
    const w = goodCases().find((x) => x.id === 'weights-manifest')!;
    const u = await keep(w.files);
    const m = await loadUploadedModel('mnist', u.id, 1000);
    const out = exportUploadedModel(m, request, u);
    expect(out.report.layout).toBe('weights-manifest');
    // 4-bit codes do not fit TF.js's formats at their width: the sidecar keeps them.
    expect(out.files.map((f) => f.name)).toEqual([MANIFEST_FILE, WEIGHTS_FILE, SIDECAR_FILE]);
    const manifest = JSON.parse(
      (out.files[0] as { text: string }).text,
    ) as tf.io.WeightsManifestConfig;
    expect(manifest[0]!.paths).toEqual([WEIGHTS_FILE]);
    expect(manifest[0]!.weights.map((e) => e.name)).toEqual(['embedding/embeddings', 'step']);
    const bin = (out.files[1] as { bytes: Uint8Array }).bytes;
    const map = tf.io.decodeWeights(bin.slice().buffer, manifest[0]!.weights);
    const c = compressed(m, request.weights);
    expect(
      sameBits(map['embedding/embeddings']!.dataSync() as Float32Array, c.layers[0]!.values),
    ).toBe(true);
    // 4 bits over 10 values: the export holds the compressed values, not the uploaded ones.
    expect(new Set(c.layers[0]!.values).size).toBeLessThanOrEqual(16);
    expect(map['step']!.dtype).toBe('int32');
    expect(Array.from(map['step']!.dataSync())).toEqual([42]);
    tf.dispose(Object.values(map));
  });
});
