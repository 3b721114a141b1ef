import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadShippedModel } from '../../../testing/shipped';
import { readLayersModelWeights } from '../shared/weightsFile';

const dir = resolve(import.meta.dirname, '../../../../public/models/mnist-cnn');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('readLayersModelWeights', () => {
  it('reads the same kernels, biases and layer kinds as tfjs', async () => {
    const json = JSON.parse(readFileSync(`${dir}/model.json`, 'utf8')) as unknown;
    const bin = readFileSync(`${dir}/weights.bin`);
    const ours = readLayersModelWeights(
      json,
      bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    );
    const theirs = (await loadShippedModel('mnist', 'cnn')).original;
    expect(ours.map((l) => [l.info.name, l.info.className])).toEqual(
      theirs.map((l) => [l.info.name, l.info.className]),
    );
    for (const [i, l] of ours.entries()) {
      expect(l.info.kernelShape).toEqual(theirs[i]!.info.kernelShape);
      expect(l.kernel).toEqual(theirs[i]!.kernel);
      expect(l.bias).toEqual(theirs[i]!.bias);
    }
  });

  it('refuses a weight file that does not match its manifest', () => {
    const json = {
      modelTopology: { config: { layers: [{ class_name: 'Dense', config: { name: 'fc' } }] } },
      weightsManifest: [
        { paths: ['w'], weights: [{ name: 'fc/kernel', shape: [2, 2], dtype: 'float32' }] },
      ],
    };
    expect(() => readLayersModelWeights(json, new ArrayBuffer(8))).toThrow(/shorter/);
    expect(() => readLayersModelWeights(json, new ArrayBuffer(32))).toThrow(/longer/);
    expect(readLayersModelWeights(json, new ArrayBuffer(16))[0]!.info.outChannels).toBe(2);
  });
});
