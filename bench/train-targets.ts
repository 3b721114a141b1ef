/**
 * The training targets of issue #8, measured with the engine (src/features/train/worker/trainer.ts)
 * in Node on the wasm backend (1 thread), on the shipped MNIST models and the shipped 8,000-image
 * training split, tested on the 2,000 test digits:
 *
 *   npx tsx bench/train-targets.ts                 everything (several minutes on 2 cores)
 *   npx tsx bench/train-targets.ts ft qat kd       some parts only
 *   --epochs-ft N --epochs-qat N --epochs-kd N --lr-ft L --lr-qat L --lr-kd L --seeds 1,2,3
 *
 * Targets: fine-tuning at 90% magnitude sparsity within 1 point of float (one-shot and
 * polynomial); QAT 2-bit per-tensor symmetric ≥ 90%, 2-bit ternary and 2-bit per-channel ≥ 96%,
 * 4-bit within 0.5 point of float, binary printed; a 784-32-10 student distilled from the CNN
 * beats the same student trained from scratch, averaged over 3 seeds. Per-epoch times are
 * printed too (Node, not the browser worker: the browser figures belong to `npm run bench`).
 *
 * The defaults are what reached the targets here (Adam, batch 64, constant learning rate):
 * - fine-tuning, lr 1e-3: one-shot 90% recovered to 95.7% after 4 epochs and 96.8% after 12
 *   (96.7–97.1% from epoch 7 to 20); lr 5e-4 gave 96.5% after 12. 15 epochs by default;
 * - QAT, 4 epochs at lr 1e-3 met every target but by ≤ 0.5 point with epoch-to-epoch swings of
 *   ±0.5; 6 epochs at lr 5e-4 meet them with room;
 * - distillation (T 4, α 0.9, 3 seeds): behind scratch after 10 epochs at lr 1e-3 (−1.0 point:
 *   the softened targets train slower), +0.25 after 30, +0.63 after 40; 30 epochs at lr 2e-3
 *   (both runs) gave +0.98, every seed ahead.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG } from '../src/platform/shared/config';
import type { WeightQuant } from '../src/platform/shared/config';
import { evaluate } from '../src/features/model/worker/evaluate';
import { registerWasmTrainingKernels } from '../src/features/model/worker/kernels/conv2dBackpropFilter';
import type { TrainProgress } from '../src/features/train/shared/progress';
import { RecipeSchema, scratchRecipe, stepsPerEpoch } from '../src/features/train/shared/recipe';
import type { KdRecipe, Recipe } from '../src/features/train/shared/recipe';
import { train } from '../src/features/train/worker/trainer';
import type { TrainBase, TrainData, TrainProduct } from '../src/features/train/worker/trainer';
import { loadShippedDataset, loadShippedModel } from '../src/testing/shipped';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}
const parts = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const wants = (p: string) => parts.length === 0 || parts.includes(p);
const seedsArg = process.argv.indexOf('--seeds');
const SEEDS = seedsArg >= 0 ? (process.argv[seedsArg + 1] ?? '').split(',').map(Number) : [1, 2, 3];

const EPOCHS_FT = option('epochs-ft', 15);
const EPOCHS_QAT = option('epochs-qat', 6);
const EPOCHS_KD = option('epochs-kd', 30);
const LR_FT = option('lr-ft', 1e-3);
const LR_QAT = option('lr-qat', 5e-4);
const LR_KD = option('lr-kd', 2e-3);

await tf.setBackend('wasm');
await tf.ready();
registerWasmTrainingKernels();
const [mlp, cnn] = await Promise.all([
  loadShippedModel('mnist', 'mlp'),
  loadShippedModel('mnist', 'cnn'),
]);
const dataset = loadShippedDataset('mnist');
const trainSplit = await dataset.train!;
const data: TrainData = {
  train: trainSplit,
  test: { x: dataset.testX, labels: dataset.testLabels },
  imageShape: dataset.meta.imageShape,
};
const floatAccuracy = async (base: TrainBase & { model: tf.LayersModel }) =>
  (await evaluate(base.model, dataset.testX, dataset.testLabels)).accuracy;
const mlpFloat = await floatAccuracy(mlp);
const cnnFloat = await floatAccuracy(cnn);
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

console.log(
  `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, ${trainSplit.labels.length} training images, ` +
    `${dataset.testLabels.length} test images`,
);
console.log(`float accuracy: MNIST MLP ${pct(mlpFloat)}, MNIST CNN ${pct(cnnFloat)}\n`);

interface Measured {
  product: TrainProduct;
  /** Mean wall time of one epoch (start-up included in the first). */
  epochMs: number;
}

async function measure(label: string, recipe: unknown, base: TrainBase): Promise<Measured> {
  const r: Recipe = RecipeSchema.parse(recipe);
  let lastEpoch = 0;
  const product = await train(r, base, data, {
    control: { stop: false, cancel: false },
    onProgress: (p: TrainProgress) => {
      if (p.testAccuracy === null || p.step === 0) return;
      lastEpoch = p.epoch;
      console.log(
        `  ${label} epoch ${p.epoch}/${r.epochs}: loss ${p.loss.toFixed(4)}, train ${pct(p.trainAccuracy ?? 0)}, ` +
          `test ${pct(p.testAccuracy)}${p.sparsity !== null ? `, sparsity ${pct(p.sparsity)}` : ''} (${(p.elapsedMs / 1000).toFixed(1)} s)`,
      );
    },
  });
  const last = product.history[product.history.length - 1]!;
  return { product, epochMs: last.elapsedMs / Math.max(1, lastEpoch) };
}

interface Row {
  what: string;
  before: number;
  after: number;
  target: string;
  met: boolean | null;
  epochMs: number;
}
const rows: Row[] = [];

function report(title: string, list: Row[]): void {
  console.log(`\n${title}`);
  console.log(
    'what                                         start     trained   target           met   s/epoch',
  );
  for (const r of list) {
    console.log(
      `${r.what.padEnd(44)} ${pct(r.before).padStart(7)}  ${pct(r.after).padStart(8)}   ${r.target.padEnd(16)} ${r.met === null ? '  –' : r.met ? 'yes' : ' NO'}   ${(r.epochMs / 1000).toFixed(2)}`,
    );
  }
}

if (wants('ft')) {
  console.log(`Fine-tuning after pruning: ${EPOCHS_FT} epochs, Adam lr ${LR_FT}, batch 64`);
  const prune = { ...DEFAULT_CONFIG.prune, method: 'magnitude' as const, sparsity: 0.9 };
  const steps = stepsPerEpoch(trainSplit.labels.length, 64);
  // Pruned gradually over the first two thirds of the run (masks every fifth of an epoch, TFMOT's
  // cubic), then fine-tuned at 90% for the last third.
  const rampEpochs = Math.max(1, Math.round((2 * EPOCHS_FT) / 3));
  const schedules = [
    { name: 'one-shot', schedule: { kind: 'oneshot' } },
    {
      name: `polynomial 0→90% over ${rampEpochs} ep.`,
      schedule: {
        kind: 'polynomial',
        initialSparsity: 0,
        beginStep: 0,
        endStep: rampEpochs * steps,
        frequency: Math.max(1, Math.round(steps / 5)),
      },
    },
  ];
  const ft: Row[] = [];
  for (const s of schedules) {
    const label = `magnitude 90% ${s.name}`;
    const m = await measure(
      label,
      {
        kind: 'finetune',
        arch: 'mlp',
        epochs: EPOCHS_FT,
        learningRate: LR_FT,
        prune,
        schedule: s.schedule,
      },
      mlp,
    );
    ft.push({
      what: label,
      before: m.product.initialTestAccuracy,
      after: m.product.testAccuracy,
      target: `≥ ${pct(mlpFloat - 0.01)}`,
      met: m.product.testAccuracy >= mlpFloat - 0.01,
      epochMs: m.epochMs,
    });
  }
  report(
    `Fine-tuning the MNIST MLP (float ${pct(mlpFloat)}); "start" = one-shot pruned at step 0`,
    ft,
  );
  rows.push(...ft);
}

if (wants('qat')) {
  console.log(`\nQuantization-aware training: ${EPOCHS_QAT} epochs, Adam lr ${LR_QAT}, batch 64`);
  const w = (patch: Partial<WeightQuant>): WeightQuant => ({ ...DEFAULT_CONFIG.weights, ...patch });
  const cases: { what: string; weights: WeightQuant; min: number | null; target: string }[] = [
    {
      what: '2-bit per-tensor symmetric (restricted)',
      weights: w({ bits: 2 }),
      min: 0.9,
      target: '≥ 90%',
    },
    {
      what: '2-bit ternary (TWN) per-tensor',
      weights: w({ bits: 2, ternary: true }),
      min: 0.96,
      target: '≥ 96%',
    },
    {
      what: '2-bit per-channel symmetric (restricted)',
      weights: w({ bits: 2, granularity: 'channel' }),
      min: 0.96,
      target: '≥ 96%',
    },
    {
      what: '4-bit per-tensor symmetric (restricted)',
      weights: w({ bits: 4 }),
      min: mlpFloat - 0.005,
      target: `≥ ${pct(mlpFloat - 0.005)}`,
    },
    { what: 'binary α·sign(w) per-tensor', weights: w({ bits: 1 }), min: null, target: 'printed' },
  ];
  const qat: Row[] = [];
  for (const c of cases) {
    const m = await measure(
      c.what,
      { kind: 'qat', arch: 'mlp', epochs: EPOCHS_QAT, learningRate: LR_QAT, weights: c.weights },
      mlp,
    );
    qat.push({
      what: c.what,
      before: m.product.initialTestAccuracy,
      after: m.product.testAccuracy,
      target: c.target,
      met: c.min === null ? null : m.product.testAccuracy >= c.min,
      epochMs: m.epochMs,
    });
  }
  report(`QAT of the MNIST MLP (float ${pct(mlpFloat)}); "start" = post-training quantized`, qat);
  rows.push(...qat);
}

if (wants('kd')) {
  console.log(
    `\nDistillation: 784-32-10 student, CNN teacher (${pct(cnnFloat)}), T 4, α 0.9, ${EPOCHS_KD} epochs, Adam lr ${LR_KD}, seeds ${SEEDS.join(', ')}`,
  );
  const kd: number[] = [];
  const scratch: number[] = [];
  const times: number[] = [];
  for (const seed of SEEDS) {
    const recipe = RecipeSchema.parse({
      kind: 'kd',
      arch: 'cnn',
      epochs: EPOCHS_KD,
      learningRate: LR_KD,
      seed,
      student: { arch: 'mlp', hidden: [32] },
      temperature: 4,
      alpha: 0.9,
    }) as KdRecipe;
    const a = await measure(`KD seed ${seed}`, recipe, cnn);
    const b = await measure(`scratch seed ${seed}`, scratchRecipe(recipe), cnn);
    kd.push(a.product.testAccuracy);
    scratch.push(b.product.testAccuracy);
    times.push(a.epochMs, b.epochMs);
  }
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const sd = (v: number[]) =>
    Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / Math.max(1, v.length - 1));
  const line = (name: string, v: number[]) =>
    `${name.padEnd(10)} mean ${pct(mean(v))}  sd ${(100 * sd(v)).toFixed(2)} pt  min ${pct(Math.min(...v))}  max ${pct(Math.max(...v))}  (${v.map(pct).join(', ')})`;
  console.log('\nDistillation of the CNN into a 784-32-10 MLP (test accuracy over seeds)');
  console.log(line('distilled', kd));
  console.log(line('scratch', scratch));
  const gain = kd.map((v, i) => v - scratch[i]!);
  console.log(
    `gain       mean ${(100 * mean(gain)).toFixed(2)} pt (per seed ${gain.map((g) => (100 * g).toFixed(2)).join(', ')}) → target (KD beats scratch on average): ${mean(gain) > 0 ? 'yes' : 'NO'}`,
  );
  console.log(`time per epoch (KD and scratch runs, mean): ${(mean(times) / 1000).toFixed(2)} s`);
}

if (rows.length > 0) report('All targets', rows);
