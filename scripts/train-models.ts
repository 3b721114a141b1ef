/**
 * Train the four shipped models with tfjs in Node on the wasm backend: `npm run train:models`.
 *
 *   npm run train:models                      all four models
 *   npm run train:models -- mnist-mlp         one (or several) by id
 *   npm run train:models -- fashion-cnn --val hold out 10% of the training set, report
 *                                             validation accuracy, never touch the test set, save nothing
 *   --epochs N   override the epoch count;   --force   save even when the test target is missed
 *   --filters A,B --dropout R --shift S --hflip 0|1 --batch B --lr L   override a setting (for --val experiments)
 *
 * MNIST models train on public/data/mnist (8,000 train) and are tested on its 2,000 test
 * digits; Fashion models train on the full official 60,000-image train set read from
 * Debian's dataset-fashion-mnist and are tested on the official 10,000 (public/data/fashion).
 * Run `npm run build:data` first.
 *
 * Everything is seeded: initializers, the shuffle/augmentation RNG and, because tfjs's
 * unseeded random ops (dropout) draw their seeds from Math.random, Math.random itself.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCnn, buildMlp, PREPROCESS } from '../src/features/model/worker/architectures';
import { registerWasmTrainingKernels } from '../src/features/model/worker/kernels/conv2dBackpropFilter';
import { FASHION_DIR, fashionFilesPresent, readFashion } from './build-data';
import { IMAGE_SIZE, readShippedSplit, writeJson } from './lib/files';
import { mulberry32, shuffleInPlace } from './lib/rng';
import type { Augmentation } from './lib/train-utils';
import {
  describeLayers,
  evaluateAccuracy,
  fillBatch,
  loadModelFromDir,
  serializeModel,
  writeModelFiles,
} from './lib/train-utils';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA_DIR = join(ROOT, 'public', 'data');
const MODELS_DIR = join(ROOT, 'public', 'models');

interface ModelSpec {
  id: string;
  dataset: 'mnist' | 'fashion';
  arch: 'mlp' | 'cnn';
  name: string;
  description: string;
  /** Test accuracy the shipped model must reach. */
  target: number;
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Final learning rate of the cosine schedule. */
  learningRateMin: number;
  dropout: number;
  /** L2 penalty on the kernels (not biases), added to the loss: l2 * sum(w^2). */
  l2: number;
  augmentation: Augmentation;
  cnn?: { filters1: number; filters2: number };
}

const SPECS: ModelSpec[] = [
  {
    id: 'mnist-mlp',
    dataset: 'mnist',
    arch: 'mlp',
    name: 'LeNet-300-100 MLP',
    description:
      'Fully connected 784-300-100-10 network (LeCun et al. 1998), ReLU, logits output, trained on 8,000 MNIST digits.',
    target: 0.96,
    seed: 1001,
    epochs: 40,
    batchSize: 64,
    learningRate: 1e-3,
    learningRateMin: 1e-5,
    dropout: 0.2,
    l2: 0,
    augmentation: { shift: 2, hflip: false },
  },
  {
    id: 'mnist-cnn',
    dataset: 'mnist',
    arch: 'cnn',
    name: 'LeNet-5 CNN',
    description: 'trained on 8,000 MNIST digits.',
    target: 0.98,
    seed: 1002,
    epochs: 30,
    batchSize: 64,
    learningRate: 1e-3,
    learningRateMin: 1e-5,
    dropout: 0.2,
    l2: 0,
    augmentation: { shift: 2, hflip: false },
    cnn: { filters1: 16, filters2: 32 },
  },
  {
    id: 'fashion-mlp',
    dataset: 'fashion',
    arch: 'mlp',
    name: 'LeNet-300-100 MLP',
    description:
      'Fully connected 784-300-100-10 network, ReLU, logits output, trained on the 60,000 Fashion-MNIST training images.',
    target: 0.88,
    seed: 2001,
    epochs: 25,
    batchSize: 128,
    learningRate: 1e-3,
    learningRateMin: 1e-5,
    dropout: 0.2,
    l2: 0,
    augmentation: { shift: 0, hflip: false },
  },
  {
    id: 'fashion-cnn',
    dataset: 'fashion',
    arch: 'cnn',
    name: 'LeNet-5 CNN',
    description: 'trained on the 60,000 Fashion-MNIST training images.',
    target: 0.9,
    seed: 2002,
    epochs: 12,
    batchSize: 128,
    learningRate: 1e-3,
    learningRateMin: 1e-5,
    dropout: 0.25,
    l2: 0,
    augmentation: { shift: 0, hflip: true },
    cnn: { filters1: 16, filters2: 32 },
  },
];

interface Data {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

function loadData(dataset: 'mnist' | 'fashion'): Data {
  if (!existsSync(join(DATA_DIR, dataset, 'meta.json'))) {
    console.error(`${join(DATA_DIR, dataset)} is missing: run \`npm run build:data\` first.`);
    process.exit(1);
  }
  if (dataset === 'mnist') {
    const train = readShippedSplit(DATA_DIR, 'mnist', 'train');
    const test = readShippedSplit(DATA_DIR, 'mnist', 'test');
    return {
      trainImages: train.images,
      trainLabels: train.labels,
      testImages: test.images,
      testLabels: test.labels,
    };
  }
  if (!fashionFilesPresent()) {
    console.error(
      `Fashion-MNIST not found under ${FASHION_DIR}. Install it with:\n  apt-get install dataset-fashion-mnist`,
    );
    process.exit(1);
  }
  const train = readFashion('train');
  const test = readShippedSplit(DATA_DIR, 'fashion', 'test');
  return {
    trainImages: train.images,
    trainLabels: train.labels,
    testImages: test.images,
    testLabels: test.labels,
  };
}

function build(spec: ModelSpec, dropout: number): tf.LayersModel {
  return spec.arch === 'mlp'
    ? buildMlp(10, { seed: spec.seed, dropout })
    : buildCnn(10, { seed: spec.seed, dropout, ...spec.cnn });
}

function cosineLr(spec: ModelSpec, epoch: number, epochs: number): number {
  const t = epochs <= 1 ? 0 : epoch / (epochs - 1);
  return (
    spec.learningRateMin +
    0.5 * (spec.learningRate - spec.learningRateMin) * (1 + Math.cos(Math.PI * t))
  );
}

interface Options {
  val: boolean;
  force: boolean;
  epochs?: number;
  overrides: Partial<ModelSpec>;
  filters?: [number, number];
  shift?: number;
  hflip?: boolean;
}

async function train(baseSpec: ModelSpec, opts: Options): Promise<void> {
  const spec: ModelSpec = { ...baseSpec, ...opts.overrides };
  spec.augmentation = {
    shift: opts.shift ?? baseSpec.augmentation.shift,
    hflip: opts.hflip ?? baseSpec.augmentation.hflip,
  };
  if (opts.filters !== undefined && spec.arch === 'cnn') {
    const [filters1, filters2] = opts.filters;
    spec.cnn = { filters1, filters2 };
  }
  if (spec.cnn !== undefined) {
    const { filters1, filters2 } = spec.cnn;
    if (filters1 !== 6 || filters2 !== 16)
      spec.name = `LeNet-5-style CNN (${filters1}/${filters2} filters)`;
    spec.description =
      `LeNet-5-like CNN: conv 5x5x${filters1} (same) → maxpool 2 → conv 5x5x${filters2} (valid) → maxpool 2 → ` +
      `120 → 84 → 10, ReLU, logits output, ${spec.description}`;
  }
  console.log(
    `${spec.id} settings: ${JSON.stringify({ ...spec, name: undefined, description: undefined })}`,
  );
  const epochs = opts.epochs ?? spec.epochs;
  const data = loadData(spec.dataset);
  Math.random = mulberry32(spec.seed * 7919);
  const rng = mulberry32(spec.seed);

  // Train / validation indices (validation only in --val mode).
  const all = shuffleInPlace(
    Int32Array.from({ length: data.trainLabels.length }, (_, i) => i),
    mulberry32(spec.seed + 1),
  );
  const valCount = opts.val ? Math.round(all.length * 0.1) : 0;
  const valIdx = all.subarray(0, valCount);
  const trainIdx = Int32Array.from(all.subarray(valCount));
  const monitorIdx = opts.val ? valIdx : trainIdx.slice(0, Math.min(2000, trainIdx.length)); // a copy: trainIdx is reshuffled
  const monitorName = opts.val ? `val(${valCount})` : 'train[0:2000] clean';

  const model = build(spec, spec.dropout);
  const optimizer = tf.train.adam(spec.learningRate);
  const kernels = model.trainableWeights.filter((w) => w.name.endsWith('kernel'));
  const bs = spec.batchSize;
  const xBuf = new Float32Array(bs * IMAGE_SIZE);
  const yBuf = new Int32Array(bs);
  console.log(
    `\n=== ${spec.id}${opts.val ? ' (validation run)' : ''}: ${model.countParams()} params, ${trainIdx.length} train, ` +
      `${epochs} epochs, batch ${bs}, backend ${tf.getBackend()}`,
  );
  const t0 = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const lr = cosineLr(spec, epoch, epochs);
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
    shuffleInPlace(trainIdx, rng);
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    const te = performance.now();
    for (let start = 0; start < trainIdx.length; start += bs) {
      const end = Math.min(trainIdx.length, start + bs);
      const n = end - start;
      fillBatch(data.trainImages, trainIdx, start, end, xBuf, spec.augmentation, rng);
      for (let i = 0; i < n; i++)
        yBuf[i] = data.trainLabels[trainIdx[start + i] as number] as number;
      const holder: { correct: tf.Tensor | null } = { correct: null };
      const loss = tf.tidy((): tf.Scalar => {
        const x = tf.tensor4d(xBuf.subarray(0, n * IMAGE_SIZE), [n, 28, 28, 1]);
        const labels = tf.tensor1d(yBuf.subarray(0, n), 'int32');
        const onehot = tf.oneHot(labels, 10);
        const cost = optimizer.minimize(() => {
          const logits = model.apply(x, { training: true }) as tf.Tensor;
          holder.correct = tf.keep(tf.equal(logits.argMax(-1), labels).sum());
          let l = tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
          if (spec.l2 > 0) {
            for (const w of kernels) l = l.add(w.read().square().sum().mul(spec.l2));
          }
          return l;
        }, true);
        if (cost === null) throw new Error('no loss');
        return cost;
      });
      lossSum += (loss.dataSync()[0] ?? NaN) * n;
      loss.dispose();
      if (holder.correct !== null) {
        correct += holder.correct.dataSync()[0] ?? 0;
        holder.correct.dispose();
      }
      seen += n;
    }
    // Evaluate the weights as they are (dropout layers are inactive in predict).
    const monitorAcc = evaluateAccuracy(model, data.trainImages, data.trainLabels, monitorIdx);
    console.log(
      `${spec.id} epoch ${String(epoch + 1).padStart(2)}/${epochs} lr ${lr.toExponential(2)} ` +
        `loss ${(lossSum / seen).toFixed(4)} train-acc ${(correct / seen).toFixed(4)} ` +
        `${monitorName} ${monitorAcc.toFixed(4)} (${((performance.now() - te) / 1000).toFixed(1)} s, ${tf.memory().numTensors} tensors)`,
    );
  }
  const durationSeconds = Math.round((performance.now() - t0) / 1000);
  if (opts.val) {
    console.log(
      `${spec.id}: validation run done in ${durationSeconds} s (no test evaluation, nothing saved)`,
    );
    model.dispose();
    optimizer.dispose();
    return;
  }

  // The shipped model: the same architecture without dropout layers, same weights.
  const clean = build(spec, 0);
  clean.setWeights(model.getWeights());
  const testAccBefore = evaluateAccuracy(clean, data.testImages, data.testLabels);
  const dir = join(MODELS_DIR, spec.id);
  const files = await serializeModel(clean);
  const meets = testAccBefore >= spec.target;
  console.log(
    `${spec.id}: test accuracy ${testAccBefore.toFixed(4)} (target ${spec.target}) → ${meets ? 'PASS' : 'FAIL'}`,
  );
  if (!meets && !opts.force && existsSync(join(dir, 'model.json'))) {
    console.log(
      `${spec.id}: target missed; keeping the existing model in ${dir} (use --force to overwrite)`,
    );
    for (const m of [model, clean]) m.dispose();
    optimizer.dispose();
    return;
  }
  writeModelFiles(dir, files);
  const reloaded = await loadModelFromDir(dir);
  const testAccuracy = evaluateAccuracy(reloaded, data.testImages, data.testLabels);
  if (Math.abs(testAccuracy - testAccBefore) > 1e-9) {
    throw new Error(
      `${spec.id}: reloaded model scores ${testAccuracy}, in-memory model ${testAccBefore}`,
    );
  }
  const meta = {
    id: spec.id,
    dataset: spec.dataset,
    arch: spec.arch,
    name: spec.name,
    description: spec.description,
    testAccuracy,
    testCount: data.testLabels.length,
    params: reloaded.countParams(),
    layers: describeLayers(reloaded),
    preprocess: PREPROCESS,
    output: 'logits (no softmax)',
    training: {
      epochs,
      batchSize: spec.batchSize,
      optimizer: 'Adam (beta1 0.9, beta2 0.999, epsilon 1e-7)',
      learningRate: `cosine decay per epoch from ${spec.learningRate} to ${spec.learningRateMin}`,
      augmentation:
        [
          spec.augmentation.shift > 0
            ? `random integer shifts of ±${spec.augmentation.shift} px (zero fill)`
            : '',
          spec.augmentation.hflip ? 'random horizontal flips (p = 0.5)' : '',
        ]
          .filter((s) => s !== '')
          .join(', ') || 'none',
      regularization:
        [
          spec.dropout > 0 ? `dropout ${spec.dropout} after fc1 and fc2 (training only)` : '',
          spec.l2 > 0 ? `L2 ${spec.l2} on kernels` : '',
        ]
          .filter((s) => s !== '')
          .join(', ') || 'none',
      loss: 'softmax cross-entropy on logits',
      trainCount: trainIdx.length,
      trainSource:
        spec.dataset === 'mnist'
          ? 'public/data/mnist train split (8,000 digits)'
          : `full official Fashion-MNIST training set (60,000 images, ${FASHION_DIR})`,
      seed: spec.seed,
      durationSeconds,
      backend:
        `${tf.getBackend()} (tfjs ${tf.version.tfjs} in Node ${process.version}, 1 thread) with the training kernels of ` +
        'src/features/model/worker/kernels/conv2dBackpropFilter.ts (Conv2DBackpropFilter, Conv2DBackpropInput, transposed BatchMatMul)',
    },
    tfjsVersion: tf.version.tfjs,
    createdAt: new Date().toISOString(),
  };
  writeJson(join(dir, 'meta.json'), meta);
  console.log(
    `${spec.id}: saved to ${dir} (reloaded test accuracy ${testAccuracy.toFixed(4)}, ${durationSeconds} s)`,
  );
  for (const m of [model, clean, reloaded]) m.dispose();
  optimizer.dispose();
}

function parseArgs(argv: string[]): { ids: string[]; opts: Options } {
  const ids: string[] = [];
  const opts: Options = { val: false, force: false, overrides: {} };
  const num = (i: number): number => {
    const v = Number(argv[i]);
    if (!Number.isFinite(v)) throw new Error(`${argv[i - 1]} needs a number`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--val') opts.val = true;
    else if (a === '--force') opts.force = true;
    else if (a === '--epochs') opts.epochs = num(++i);
    else if (a === '--dropout') opts.overrides.dropout = num(++i);
    else if (a === '--batch') opts.overrides.batchSize = num(++i);
    else if (a === '--lr') opts.overrides.learningRate = num(++i);
    else if (a === '--l2') opts.overrides.l2 = num(++i);
    else if (a === '--shift') opts.shift = num(++i);
    else if (a === '--hflip') opts.hflip = num(++i) === 1;
    else if (a === '--filters') {
      const [f1, f2] = (argv[++i] ?? '').split(',').map(Number);
      if (!(f1 !== undefined && f2 !== undefined && f1 > 0 && f2 > 0))
        throw new Error('--filters needs A,B');
      opts.filters = [f1, f2];
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else ids.push(a);
  }
  if (opts.epochs !== undefined && !(opts.epochs > 0))
    throw new Error('--epochs needs a positive number');
  const known = SPECS.map((s) => s.id);
  for (const id of ids)
    if (!known.includes(id)) throw new Error(`unknown model ${id}; known: ${known.join(', ')}`);
  return { ids: ids.length > 0 ? ids : known, opts };
}

async function main(): Promise<void> {
  const { ids, opts } = parseArgs(process.argv.slice(2));
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
  console.log(
    `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, models: ${ids.join(', ')}${opts.val ? ' (validation mode)' : ''}`,
  );
  const t0 = performance.now();
  for (const id of ids) {
    const spec = SPECS.find((s) => s.id === id);
    if (spec !== undefined) await train(spec, opts);
  }
  console.log(`all done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

await main();
