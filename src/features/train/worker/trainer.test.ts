import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import { compressSettings } from '../../compress';
import { evaluate } from '../../model/worker';
import { imagesToTensor } from '../../model/worker';
import { registerWasmTrainingKernels } from '../../model/worker';
import { setKernels } from '../../model/worker';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import type { LoadedModel } from '../../../platform/worker/assets';
import { compressModel } from '../../compress';
import type { TrainProgress } from '../shared/progress';
import { RecipeSchema } from '../shared/recipe';
import { TrainCancelled, train } from './trainer';
import type { TrainData, TrainHooks, TrainProduct } from './trainer';

/**
 * The engine on the shipped MNIST models, on small slices (256 training and 200 test images,
 * batches of 32: 8 steps an epoch) so that each run takes a fraction of a second on wasm.
 */
let mlp: LoadedModel;
let cnn: LoadedModel;
let data: TrainData;

const TRAIN = 256;
const TEST = 200;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
  [mlp, cnn] = await Promise.all([
    loadShippedModel('mnist', 'mlp'),
    loadShippedModel('mnist', 'cnn'),
  ]);
  const d = loadShippedDataset('mnist');
  const t = await d.train!;
  const testX = (await d.testX.data()).slice(0, TEST * 784);
  d.testX.dispose();
  data = {
    train: { x: t.x.subarray(0, TRAIN * 784), labels: t.labels.subarray(0, TRAIN) },
    test: {
      x: Uint8Array.from(testX, (v) => Math.round(v * 255)),
      labels: d.testLabels.subarray(0, TEST),
    },
    imageShape: [28, 28, 1],
  };
});

interface Run {
  product: TrainProduct;
  tensors: number[];
}

/** Runs a recipe, recording tf.memory().numTensors at every progress report. */
async function run(recipe: unknown, base = mlp, patch: Partial<TrainHooks> = {}): Promise<Run> {
  const tensors: number[] = [];
  const hooks: TrainHooks = {
    control: { stop: false, cancel: false },
    onProgress: () => tensors.push(tf.memory().numTensors),
    ...patch,
  };
  const product = await train(RecipeSchema.parse(recipe), base, data, hooks);
  return { product, tensors };
}

const finetune = (extra: object = {}) => ({ kind: 'finetune', epochs: 1, batchSize: 32, ...extra });

function zerosAt(
  kernel: Float32Array,
  mask: Uint8Array,
): { pruned: number; zero: number; negZero: number } {
  let pruned = 0;
  let zero = 0;
  let negZero = 0;
  mask.forEach((k, i) => {
    if (k !== 0) return;
    pruned++;
    if (kernel[i] === 0) zero++;
    if (Object.is(kernel[i], -0)) negZero++;
  });
  return { pruned, zero, negZero };
}

/** Test accuracy of `m` with these kernels (and biases), as the labs evaluate it. */
async function accuracyWith(
  m: LoadedModel,
  kernels: Map<string, Float32Array>,
  biases: Map<string, Float32Array> | null = null,
): Promise<number> {
  setKernels(m.model, m.original, kernels, biases);
  const x = imagesToTensor(data.test.x as Uint8Array, TEST, [28, 28, 1]);
  try {
    return (await evaluate(m.model, x, data.test.labels)).accuracy;
  } finally {
    x.dispose();
    setKernels(m.model, m.original, null);
  }
}

describe('fine-tuning after pruning', () => {
  it('one-shot: the pruning lab’s masks stay applied through training, pruned weights exactly +0', async () => {
    const prune = { ...DEFAULT_CONFIG.prune, method: 'magnitude' as const, sparsity: 0.9 };
    const { product } = await run(finetune({ prune }));
    const lab = compressModel(mlp.original, compressSettings({ ...DEFAULT_CONFIG, prune }));
    expect(product.history.map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(product.history.every((p) => p.sparsity === lab.prune!.sparsity)).toBe(true);
    for (const [i, layer] of product.layers.entries()) {
      const mask = lab.layers[i]!.mask!;
      const z = zerosAt(layer.kernel, mask);
      expect(z.pruned).toBe(Math.round(0.9 * layer.kernel.length));
      expect(z.zero).toBe(z.pruned);
      expect(z.negZero).toBe(0);
      // Kept weights were trained.
      const moved = layer.kernel.filter(
        (v, j) => mask[j] === 1 && v !== mlp.original[i]!.kernel[j],
      );
      expect(moved.length).toBeGreaterThan(0);
    }
    expect(product.sparsity).toBe(lab.prune!.sparsity);
    // Fine-tuning repairs: better than the one-shot model it started from.
    expect(product.testAccuracy).toBeGreaterThan(product.initialTestAccuracy);
  });

  it('polynomial decay raises the sparsity on TFMOT’s schedule, then holds it', async () => {
    const { product } = await run(
      finetune({
        epochs: 2,
        schedule: {
          kind: 'polynomial',
          initialSparsity: 0.5,
          beginStep: 0,
          endStep: 8,
          frequency: 4,
        },
      }),
    );
    const s = product.history.map((p) => p.sparsity!);
    // Masks recomputed before updates 0, 4 and 8 (steps count updates; record k is after k).
    expect(s[0]).toBeCloseTo(0.5, 3);
    expect(s[4]).toBeCloseTo(0.5, 3);
    expect(s[5]).toBeCloseTo(0.9 - 0.4 * 0.125, 3);
    expect(s[8]).toBeCloseTo(s[5]!, 12);
    expect(s[9]).toBeCloseTo(0.9, 3);
    expect(s[16]).toBe(s[9]);
    for (const l of product.layers) {
      const zeros = l.kernel.reduce((a, v) => a + (v === 0 ? 1 : 0), 0);
      expect(zeros).toBe(Math.round(0.9 * l.kernel.length));
    }
  });

  it('structured pruning keeps the removed units’ biases at 0 too; the CNN trains as well', async () => {
    const { product } = await run(
      finetune({ prune: { ...DEFAULT_CONFIG.prune, method: 'structured', sparsity: 0.5 } }),
    );
    const fc1 = product.layers[0]!;
    expect(fc1.bias!.filter((b) => b === 0).length).toBe(150);
    const conv = await run(
      finetune({
        arch: 'cnn',
        prune: { ...DEFAULT_CONFIG.prune, method: 'magnitude', sparsity: 0.5 },
      }),
      cnn,
      { testEvery: 0 },
    );
    expect(conv.product.arch).toEqual({ kind: 'cnn', hidden: [120, 84], filters: [16, 32] });
    expect(conv.product.layers[0]!.kernel.filter((v) => v === 0).length).toBe(
      Math.round(0.5 * 5 * 5 * 16),
    );
  });
});

describe('quantization-aware training', () => {
  it('starts from exactly the lab’s post-training quantized model and ends as one', async () => {
    const weights = { ...DEFAULT_CONFIG.weights, bits: 2 };
    const { product } = await run({ kind: 'qat', epochs: 1, batchSize: 32, weights });
    const settings = compressSettings({ ...DEFAULT_CONFIG, weights });
    const ptq = (layers: { name: string; kernel: Float32Array }[]) =>
      new Map(
        compressModel(
          mlp.original.map((w, i) => ({ ...w, kernel: layers[i]!.kernel })),
          settings,
        ).layers.map((l) => [l.name, l.values]),
      );
    const before = ptq(mlp.original.map((w) => ({ name: w.info.name, kernel: w.kernel })));
    expect(product.initialTestAccuracy).toBe(await accuracyWith(mlp, before));
    // The product holds the float shadow weights; the lab's quantizer gives the trained model.
    expect(product.quantizedWith).toEqual(weights);
    expect(new Set(product.layers[0]!.kernel).size).toBeGreaterThan(1000);
    const biases = new Map(product.layers.map((l) => [l.name, l.bias!]));
    expect(product.testAccuracy).toBe(await accuracyWith(mlp, ptq(product.layers), biases));
    expect(product.testAccuracy).toBeGreaterThan(product.initialTestAccuracy);
  });

  it('with quantized activations, reports the trained ranges', async () => {
    const { product, tensors } = await run({
      kind: 'qat',
      epochs: 1,
      batchSize: 32,
      weights: { bits: 4, granularity: 'channel' },
      acts: { bits: 8, calibration: 64 },
    });
    expect(Object.keys(product.actQuant!.qparams)).toEqual(['fc1', 'fc2', 'fc3']);
    expect(product.actQuant!.qparams.fc1!.qmax).toBe(255);
    expect(new Set(tensors.slice(2)).size).toBe(1);
  });
});

describe('knowledge distillation', () => {
  const kd = (extra: object = {}) => ({
    kind: 'kd',
    epochs: 1,
    batchSize: 32,
    student: { arch: 'mlp', hidden: [16] },
    ...extra,
  });

  it('trains a seeded student of the chosen shape', async () => {
    const { product } = await run(kd());
    expect(product.arch).toEqual({ kind: 'mlp', hidden: [16] });
    expect(product.layers.map((l) => l.kernelShape)).toEqual([
      [784, 16],
      [16, 10],
    ]);
    expect(product.history[0]!.loss).toBeGreaterThan(product.history[8]!.loss);
  });

  it('α = 0 is training on hard labels: the temperature then changes nothing', async () => {
    const a = await run(kd({ alpha: 0, temperature: 1 }));
    const b = await run(kd({ alpha: 0, temperature: 9 }));
    expect(a.product.history.map((p) => p.loss)).toEqual(b.product.history.map((p) => p.loss));
    const c = await run(kd({ alpha: 0.5, temperature: 9 }));
    expect(c.product.history.map((p) => p.loss)).not.toEqual(a.product.history.map((p) => p.loss));
  });
});

describe('runs', () => {
  it('a fixed seed gives the same loss curve twice; another seed another curve', async () => {
    for (const recipe of [
      finetune({ schedule: { kind: 'constant', frequency: 3 } }),
      {
        kind: 'qat',
        epochs: 1,
        batchSize: 32,
        weights: { bits: 3 },
        acts: { bits: 6, calibration: 32 },
      },
      { kind: 'kd', epochs: 1, batchSize: 32, student: { arch: 'mlp', hidden: [8] } },
    ]) {
      const losses = async (seed: number) =>
        (await run({ ...recipe, seed })).product.history.map((p: TrainProgress) => p.loss);
      const first = await losses(5);
      expect(await losses(5)).toEqual(first);
      expect(await losses(6)).not.toEqual(first);
    }
  });

  it('no tensor growth per step, and every tensor freed at the end', async () => {
    const baseline = tf.memory().numTensors;
    for (const recipe of [
      finetune({
        epochs: 2,
        schedule: { kind: 'polynomial', initialSparsity: 0.2, endStep: 8, frequency: 2 },
      }),
      {
        kind: 'qat',
        epochs: 2,
        batchSize: 32,
        weights: { bits: 1 },
        acts: { bits: 8, calibration: 32 },
      },
      { kind: 'kd', epochs: 2, batchSize: 32, student: { arch: 'mlp', hidden: [8] } },
    ]) {
      const { tensors } = await run(recipe, mlp, { testEvery: 3 });
      // After the first update the optimizer has its slots; from then on the count is flat.
      expect(new Set(tensors.slice(1)).size).toBe(1);
      expect(tf.memory().numTensors).toBe(baseline);
    }
  });

  it('stop returns the model as it is; cancel throws and leaks nothing', async () => {
    const baseline = tf.memory().numTensors;
    const control = { stop: false, cancel: false };
    const seen: TrainProgress[] = [];
    const stopped = await run(finetune({ epochs: 3 }), mlp, {
      control,
      onProgress: (p) => {
        seen.push({ ...p });
        if (p.step === 3) control.stop = true;
      },
    });
    expect(stopped.product.stopped).toBe(true);
    expect(stopped.product.history.length).toBe(4);
    expect(seen.map((p) => p.step)).toEqual([0, 1, 2, 3, 3]); // step 3 again, now with its accuracy
    expect(seen[4]!.testAccuracy).toBe(stopped.product.testAccuracy);
    expect(stopped.product.layers).toHaveLength(3);
    expect(tf.memory().numTensors).toBe(baseline);

    for (const recipe of [finetune({ epochs: 3 }), { kind: 'kd', epochs: 3, batchSize: 32 }]) {
      const c = { stop: false, cancel: false };
      const cancelled = run(recipe, mlp, {
        control: c,
        onProgress: (p) => {
          if (p.step === 2) c.cancel = true;
        },
      });
      await expect(cancelled).rejects.toBeInstanceOf(TrainCancelled);
      expect(tf.memory().numTensors).toBe(baseline);
    }
    // Cancelled before the first step (while the teacher's logits are computed).
    const early = run({ kind: 'kd', epochs: 1 }, mlp, { control: { stop: false, cancel: true } });
    await expect(early).rejects.toBeInstanceOf(TrainCancelled);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('refuses a base model of another architecture, and never writes the base model', async () => {
    await expect(run(finetune({ arch: 'cnn' }))).rejects.toThrow(/CNN/);
    const live = await mlp.model.getLayer('fc1').getWeights()[0]!.data();
    expect(live[123]).toBe(mlp.original[0]!.kernel[123]);
  });
});
