import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../model/worker';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import { TINY, goodCases, jsonBytes } from '../shared/corpus';
import { memoryInput, readUpload } from '../shared/readModel';
import type { NormalizedModel } from '../shared/readModel';
import { openUploadStore } from '../store/uploadStore';
import { FIDELITY_TEST_COUNT, loadUploadedModel, syntheticBytes } from './uploadedModel';

/**
 * Uploaded models as the compute worker builds them (tfjs in Node, the files kept in
 * fake-indexeddb as the page keeps them): the shipped models uploaded evaluate exactly as the
 * shipped ones, a 784-input export on the images, Keras 3 exports build and compute what their
 * weights say, and other shapes get a synthetic test set labelled by the original model.
 */

beforeAll(async () => {
  // The compute worker's backend. On tfjs's cpu backend this file took 13.7 s (the CNN's two
  // 500-image passes 10.7 s of it); on wasm about 1 s.
  await tf.setBackend('wasm');
  await tf.ready();
});

type File = { name: string; bytes: Uint8Array };

/** Reads, keeps (as the page does) and returns the upload. */
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

const shippedFiles = (id: string): File[] =>
  ['model.json', 'weights.bin'].map((name) => ({
    name,
    bytes: new Uint8Array(readFileSync(`public/models/${id}/${name}`)),
  }));

describe('an uploaded model in the compute worker', () => {
  for (const arch of ['mlp', 'cnn'] as const) {
    it(`the shipped mnist-${arch}, uploaded, gets the shipped model's correct count`, async () => {
      const u = await keep(shippedFiles(`mnist-${arch}`));
      const d = loadShippedDataset('mnist');
      const m = await loadUploadedModel('mnist', u.id, d.meta.test.count);
      expect(m.testSet).toBeUndefined();
      expect(m.original.map((l) => l.info.name)).toEqual(u.layers.map((l) => l.name));
      const shipped = await loadShippedModel('mnist', arch);
      const [a, b] = await Promise.all([
        evaluate(m.model, d.testX, d.testLabels, { limit: 500 }),
        evaluate(shipped.model, d.testX, d.testLabels, { limit: 500 }),
      ]);
      expect(a.correct).toBe(b.correct);
      expect(Array.from(a.confusion)).toEqual(Array.from(b.confusion));
      expect(m.meta.name).toBe(arch === 'mlp' ? 'lenet_300_100' : 'lenet5');
      expect(Number.isNaN(m.meta.testAccuracy)).toBe(true);
    });
  }

  it('a 784-input export is run on the 28×28×1 images through a Flatten', async () => {
    const [json, bin] = shippedFiles('mnist-mlp');
    const m = JSON.parse(new TextDecoder().decode(json!.bytes)) as {
      modelTopology: {
        config: {
          layers: { class_name: string; config: Record<string, unknown>; inbound_nodes: unknown }[];
        };
      };
    };
    const layers = m.modelTopology.config.layers;
    layers.splice(1, 1); // the Flatten
    layers[0]!.config.batch_input_shape = [null, 784];
    layers[1]!.inbound_nodes = [[['input', 0, 0, {}]]];
    const u = await keep([{ name: 'model.json', bytes: jsonBytes(m) }, bin!]);
    expect(u.inputShape).toEqual([784]);
    expect(u.evaluation).toBe('dataset');
    const d = loadShippedDataset('mnist');
    const loaded = await loadUploadedModel('mnist', u.id, d.meta.test.count);
    const shipped = await loadShippedModel('mnist', 'mlp');
    const [a, b] = await Promise.all([
      evaluate(loaded.model, d.testX, d.testLabels, { limit: 500 }),
      evaluate(shipped.model, d.testX, d.testLabels, { limit: 500 }),
    ]);
    expect(a.correct).toBe(b.correct);
  });

  for (const id of ['keras3-sequential', 'keras3-functional', 'uint8-quantized']) {
    it(`${id}: builds in tfjs, computes its weights' function, and gets a synthetic test set it agrees with`, async () => {
      const c = goodCases().find((x) => x.id === id)!;
      const u = await keep(c.files);
      expect(u.evaluation).toBe('fidelity');
      const m = await loadUploadedModel('mnist', u.id, 2000);
      const t = m.testSet!;
      expect(t.testX.shape).toEqual([FIDELITY_TEST_COUNT, 1, 1, 4]);
      expect(t.meta.classes).toHaveLength(2);
      // The first input, by hand: relu(x·W1 + b1)·W2 + b2.
      const x = Array.from(syntheticBytes(1, [1, 1, 4], 20_240_611), (v) => v / 255);
      const w = (name: string) => Array.from(u.tensors.find((z) => z.name === name)!.values);
      const [w1, b1, w2, b2] = [
        w('dense1/kernel'),
        w('dense1/bias'),
        w('dense2/kernel'),
        w('dense2/bias'),
      ];
      const h = [0, 1, 2].map((j) =>
        Math.max(0, b1[j]! + x.reduce((s, xi, i) => s + xi * w1[i * 3 + j]!, 0)),
      );
      const y = [0, 1].map((k) => b2[k]! + h.reduce((s, hj, j) => s + hj * w2[j * 2 + k]!, 0));
      const out = (m.model.predict(t.testX.slice(0, 1)) as tf.Tensor).dataSync();
      expect(out[0]).toBeCloseTo(y[0]!, 5);
      expect(out[1]).toBeCloseTo(y[1]!, 5);
      expect(t.testLabels[0]).toBe(y[0]! > y[1]! ? 0 : 1);
      // The original agrees with itself everywhere; both classes occur (the labels are real).
      const r = await evaluate(m.model, t.testX, t.testLabels, { numClasses: 2 });
      expect(r.accuracy).toBe(1);
      if (id !== 'uint8-quantized') expect(w1).toEqual(TINY.d1Kernel.map(Math.fround));
      const calib = await t.train!;
      expect(calib.x.length).toBe(1024 * 4);
    });
  }

  it('a model the labs cannot run: its tensors are there, running it says why', async () => {
    const u = await keep(goodCases().find((x) => x.id === 'graph-model')!.files);
    const m = await loadUploadedModel('mnist', u.id, 2000);
    expect(m.original.map((l) => l.info.name)).toEqual([
      'StatefulPartitionedCall_dense_MatMul_ReadVariableOp',
    ]);
    expect(Array.from(m.original[0]!.kernel)).toEqual([1, -2, 0.5, 0.25]);
    expect(m.meta.training).toMatchObject({ evaluation: 'none', kind: 'graph' });
    expect(() => m.model).toThrow(/only its weights are shown: A graph model runs TensorFlow ops/);
    expect(() => m.layers).toThrow(/only its weights are shown/);
  });

  it('a model not kept here says the receiver needs the files', async () => {
    await expect(loadUploadedModel('mnist', `uploaded:${'0'.repeat(64)}`, 2000)).rejects.toThrow(
      /uploaded in another browser.*upload its model\.json and weight files/,
    );
  });
});
