import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { enableRelaxedSimd, kernelBuild } from '../../../testing/kernels';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import { ARCH_IDS, DATASET_IDS, modelId } from '../shared/catalog';
import { readChain, readKernelModel } from '../shared/topology';
import { pixelsToFloats } from '../shared/pixels';
import { evaluate } from './evaluate';
import { useFloatKernels } from './kernels/floatKernels';
import { kernelEvaluate } from './kernelPass';
import type { ChainWeights } from './kernelPass';
import { applySettings } from '../../compress/worker';
import { compressSettings, compressedWeights } from '../../compress';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';

/**
 * The kernel pass (no tfjs) against tfjs's own evaluation on the wasm backend (XNNPACK's kernels:
 * the app's float kernels are off here), on every shipped model's whole test set: the same
 * correct count and confusion matrix, for the trained weights and for compressed ones.
 */
const PUBLIC = resolve(import.meta.dirname, '../../../../public');

beforeAll(async () => {
  useFloatKernels(null);
  await tf.setBackend('wasm');
  await tf.ready();
});

function shippedFiles(id: string) {
  const json = JSON.parse(
    readFileSync(resolve(PUBLIC, `models/${id}/model.json`), 'utf8'),
  ) as unknown;
  const bin = readFileSync(resolve(PUBLIC, `models/${id}/weights.bin`));
  return { json, data: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) };
}

/** The test images as the model's input, as the first-screen engine makes them. */
function inputsOf(dataset: string): Float32Array {
  const pixels = new Uint8Array(readFileSync(resolve(PUBLIC, `data/${dataset}/test-images.u8`)));
  const x = new Float32Array(pixels.length);
  pixelsToFloats(pixels, x);
  return x;
}

const weightsOf = (
  original: readonly { info: { name: string }; kernel: Float32Array; bias: Float32Array | null }[],
  kernels?: ReadonlyMap<string, Float32Array>,
  biases?: ReadonlyMap<string, Float32Array>,
): ChainWeights =>
  new Map(
    original.map((l) => [
      l.info.name,
      {
        kernel: kernels?.get(l.info.name) ?? l.kernel,
        bias: biases?.get(l.info.name) ?? l.bias!,
      },
    ]),
  );

/** 4-bit weights, half of each layer's units removed with their biases (structured pruning). */
const W4_PRUNED = compressSettings({
  ...DEFAULT_CONFIG,
  weights: { ...DEFAULT_CONFIG.weights, format: 'int', bits: 4 },
  prune: { ...DEFAULT_CONFIG.prune, method: 'structured', sparsity: 0.5 },
});

describe.each(DATASET_IDS.flatMap((d) => ARCH_IDS.map((a) => [d, a] as const)))(
  'kernel pass of %s-%s',
  (dataset, arch) => {
    it('reads the layers and output shapes tfjs has, and counts what tfjs counts', async () => {
      const files = shippedFiles(modelId(dataset, arch));
      const km = readKernelModel(files.json, files.data);
      if (km instanceof Error) throw km;
      const m = await loadShippedModel(dataset, arch);
      const d = loadShippedDataset(dataset);
      expect(km.original.map((l) => l.info)).toEqual(m.original.map((l) => l.info));

      const k = await kernelBuild(enableRelaxedSimd() ? 'relaxed-simd' : 'simd128');
      const pixels = inputsOf(dataset);
      const ours = kernelEvaluate(k, km.chain, weightsOf(km.original), pixels, d.testLabels);
      applySettings(m, null);
      const theirs = await evaluate(m.model, d.testX, d.testLabels);
      expect(ours.count).toBe(d.meta.test.count);
      expect(ours).toEqual(theirs);

      // Compressed weights (4-bit, half pruned), and a part of the test set.
      const { kernels, biases } = compressedWeights(m, W4_PRUNED);
      const part = { offset: 37, limit: 301 };
      const oursW4 = kernelEvaluate(
        k,
        km.chain,
        weightsOf(km.original, kernels, biases),
        pixels,
        d.testLabels,
        part,
      );
      applySettings(m, W4_PRUNED);
      const theirsW4 = await evaluate(m.model, d.testX, d.testLabels, part);
      applySettings(m, null);
      expect(oursW4.count).toBe(301);
      expect(oursW4).toEqual(theirsW4);
      d.testX.dispose();
    }, 60_000);
  },
);

describe('readChain', () => {
  const { json } = shippedFiles('mnist-cnn');
  const shapes = (j: unknown) => {
    const km = readKernelModel(j, shippedFiles('mnist-cnn').data);
    return km instanceof Error ? km : km.chain;
  };
  const edit = (f: (layers: { class_name: string; config: Record<string, unknown> }[]) => void) => {
    const j = structuredClone(json) as {
      modelTopology: {
        config: { layers: { class_name: string; config: Record<string, unknown> }[] };
      };
    };
    f(j.modelTopology.config.layers);
    return j;
  };

  it('fuses each pool into the ReLU convolution before it', () => {
    const chain = shapes(json);
    if (chain instanceof Error) throw chain;
    expect(
      chain.steps.map((s) => `${s.kind}${s.kind === 'conv' && s.pool ? '+pool' : ''}`),
    ).toEqual(['conv+pool', 'conv+pool', 'dense', 'dense', 'dense']);
    expect(chain.inputShape).toEqual([28, 28, 1]);
    expect(chain.outputs).toBe(10);
  });

  it('refuses what the kernels do not run, saying which layer', () => {
    const strided = edit((ls) => (ls[1]!.config.strides = [2, 2]));
    expect(String(shapes(strided))).toMatch(/conv1: a convolution/);
    const tanh = edit((ls) => (ls[6]!.config.activation = 'tanh'));
    expect(String(shapes(tanh))).toMatch(/fc1: activation tanh/);
    const softmax = edit((ls) => (ls[8]!.config.activation = 'softmax'));
    expect(String(shapes(softmax))).toMatch(/fc3: activation softmax/);
    const linearConv = edit((ls) => (ls[1]!.config.activation = 'linear'));
    expect(String(shapes(linearConv))).toMatch(/pool1: a pool that does not follow/);
    const other = edit((ls) => (ls[5]!.class_name = 'Reshape'));
    expect(String(shapes(other))).toMatch(/layer class Reshape/);
    expect(String(readChain({}, new Map()))).toMatch(/no layers/);
  });
});
