import type * as tf from '@tensorflow/tfjs';
import type { ActQuant, WeightQuant } from '../../../platform/shared/config';
import { mulberry32 } from '../../../platform/shared/random';
import type { ActQParams } from '../../model/worker';
import { fillBatch, gatherRows, shuffleOrder } from '../shared/batches';
import type { TrainProgress } from '../shared/progress';
import type { Recipe } from '../shared/recipe';
import { stepsPerEpoch } from '../shared/recipe';
import { TrainSession } from './session';
import type { Architecture, BatchBuffers, SessionBase } from './session';

/**
 * The training engine of the train feature: fine-tuning after pruning, quantization-aware
 * training and knowledge distillation, as mini-batch Adam/SGD on the shipped training split.
 * Plain tfjs, no DOM: it runs in the training worker (and in Node for tests and the bench).
 *
 * A run:
 *  1. builds the net (worker/net.ts) from the base model's topology and trained weights, or for
 *     distillation a seeded student (src/features/model/worker/architectures.ts `buildMlp`), the base model then
 *     being the teacher, whose logits on the training set are computed once (worker/session.ts);
 *  2. measures the starting point, step 0: the one-shot pruned model, the post-training
 *     quantized one (same quantizer, same calibration as the labs), or the untrained student;
 *  3. runs `epochs` passes over the training set in a seeded order (mulberry32(seed), a new
 *     Fisher–Yates shuffle per epoch), one optimizer update per batch, yielding to the event loop
 *     after each so that `hooks.control` set by a message is seen between steps;
 *  4. returns the weights as plain arrays with the whole progress history.
 * Every tensor it creates is disposed before it returns or throws; the base model is only read.
 */

export interface TrainControl {
  /** Set from outside: finish after the current step and return the model as it is. */
  stop: boolean;
  /** Set from outside: abandon the run; `train` rejects with {@link TrainCancelled}. */
  cancel: boolean;
}

export interface TrainHooks {
  /**
   * Called at step 0 and after every optimizer update (throttle on the receiving side). After a
   * stop between two test evaluations the last record is reported once more, with its
   * `testAccuracy` now measured.
   */
  onProgress(p: TrainProgress): void;
  control: TrainControl;
  /** Steps between test-set evaluations (default: one per epoch; ≤ 0 = only at the end). */
  testEvery?: number;
}

export interface TrainedLayer {
  name: string;
  /** Keras class name ('Dense', 'Conv2D'). */
  className: string;
  kernelShape: number[];
  kernel: Float32Array;
  bias: Float32Array | null;
}

/** mlp: hidden Dense widths; cnn: also the filters of each Conv2D layer. */
export type TrainedArch = Architecture;

export interface TrainProduct {
  /** The trained weights; for QAT the float "shadow" weights (see `quantizedWith`). */
  layers: TrainedLayer[];
  /** Every progress record, step 0 first. */
  history: TrainProgress[];
  /** True if the run was stopped early (the weights are those at the stop). */
  stopped: boolean;
  /** On the whole test set, as the model runs (QAT: fake-quantized weights and activations). */
  testAccuracy: number;
  /** The same at step 0: one-shot pruned, post-training quantized, or the untrained student. */
  initialTestAccuracy: number;
  arch: TrainedArch;
  /**
   * QAT: the weight quantizer trained with. The labs quantize `layers` with these settings to get
   * exactly the weights the run was evaluated with. Null for the other recipes (and for QAT of
   * activations only, `format: 'float32'`).
   */
  quantizedWith: WeightQuant | null;
  /** QAT with quantized activations: the settings and the trained ranges per weighted layer. */
  actQuant: { acts: ActQuant; qparams: Record<string, ActQParams> } | null;
  /** Fine-tuning: the sparsity in force at the end (removed / all kernel weights). */
  sparsity: number | null;
}

/** The base model: its topology and its trained weights (a `LoadedModel` is one). */
export type TrainBase = SessionBase;

/** Raw images (uint8, NHWC) and labels. */
export interface ImageSet {
  readonly x: Uint8Array;
  readonly labels: Uint8Array;
}

export interface TrainData {
  readonly train: ImageSet;
  /** The test images as raw bytes, or already scaled x/255 (a LoadedDataset's `testX`, kept). */
  readonly test: { readonly x: Uint8Array | tf.Tensor4D; readonly labels: Uint8Array };
  readonly imageShape: readonly [number, number, number];
}

export class TrainCancelled extends Error {
  constructor() {
    super('Training was cancelled.');
    this.name = 'TrainCancelled';
  }
}

/** A macrotask boundary: lets queued messages (stop, cancel) run, without 4 ms timer clamping. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

export async function train(
  recipe: Recipe,
  base: TrainBase,
  data: TrainData,
  hooks: TrainHooks,
): Promise<TrainProduct> {
  const t0 = performance.now();
  const { control } = hooks;
  const [h, w, c] = data.imageShape;
  const size = h * w * c;
  const count = data.train.labels.length;
  if (count === 0) throw new Error('No training images.');
  if (data.train.x.length < count * size) throw new Error('Training images and labels disagree.');

  const session = await TrainSession.create(
    recipe,
    base,
    {
      trainX: data.train.x,
      trainCount: count,
      testX: data.test.x,
      testLabels: data.test.labels,
      imageShape: data.imageShape,
    },
    () => control.cancel,
  );
  if (!session) throw new TrainCancelled();
  try {
    const bs = recipe.batchSize;
    const perEpoch = stepsPerEpoch(count, bs);
    const totalSteps = recipe.epochs * perEpoch;
    const testEvery = hooks.testEvery ?? perEpoch;
    const order = Int32Array.from({ length: count }, (_, i) => i);
    const random = mulberry32(recipe.seed);
    const buffers: BatchBuffers = {
      x: new Float32Array(bs * size),
      labels: new Int32Array(bs),
      teacher: session.teacher ? new Float32Array(bs * session.classes) : null,
    };
    const load = (start: number, end: number) => {
      fillBatch(
        data.train.x,
        data.train.labels,
        order,
        start,
        end,
        size,
        buffers.x,
        buffers.labels,
      );
      if (session.teacher && buffers.teacher) {
        gatherRows(session.teacher, session.classes, order, start, end, buffers.teacher);
      }
    };
    const history: TrainProgress[] = [];
    const emit = (p: TrainProgress) => {
      history.push(p);
      hooks.onProgress(p);
    };
    const throwIfCancelled = () => {
      if (control.cancel) throw new TrainCancelled();
    };

    // Step 0: the starting point, measured on the first batch and the test set.
    shuffleOrder(order, random);
    await session.prune(0);
    throwIfCancelled();
    const m0 = Math.min(bs, count);
    load(0, m0);
    const first = await session.batch(buffers, m0, false);
    const initialTestAccuracy = await session.testAccuracy();
    emit({
      step: 0,
      totalSteps,
      epoch: 1,
      loss: first.loss,
      trainAccuracy: first.correct / m0,
      testAccuracy: initialTestAccuracy,
      sparsity: session.sparsity,
      elapsedMs: performance.now() - t0,
    });

    let step = 0;
    let stopped = false;
    epochs: for (let epoch = 1; epoch <= recipe.epochs; epoch++) {
      if (epoch > 1) shuffleOrder(order, random);
      let correct = 0;
      let seen = 0;
      for (let start = 0; start < count; start += bs) {
        await nextTask();
        throwIfCancelled();
        if (control.stop) {
          stopped = true;
          break epochs;
        }
        const end = Math.min(count, start + bs);
        if (step > 0) await session.prune(step);
        load(start, end);
        const r = await session.batch(buffers, end - start, true);
        step++;
        correct += r.correct;
        seen += end - start;
        const test = (testEvery > 0 && step % testEvery === 0) || step === totalSteps;
        emit({
          step,
          totalSteps,
          epoch,
          loss: r.loss,
          trainAccuracy: correct / seen,
          testAccuracy: test ? await session.testAccuracy() : null,
          sparsity: session.sparsity,
          elapsedMs: performance.now() - t0,
        });
      }
    }
    throwIfCancelled();

    const last = history[history.length - 1]!;
    if (last.testAccuracy === null) {
      // Stopped between two evaluations: measure the model as it is, and report it once more.
      last.testAccuracy = await session.testAccuracy();
      last.elapsedMs = performance.now() - t0;
      hooks.onProgress({ ...last });
    }
    return {
      layers: await session.weights(),
      history,
      stopped,
      testAccuracy: last.testAccuracy,
      initialTestAccuracy,
      arch:
        recipe.kind === 'kd'
          ? { kind: 'mlp', hidden: [...recipe.student.hidden] }
          : session.baseArch,
      quantizedWith:
        recipe.kind === 'qat' && recipe.weights.format !== 'float32' ? recipe.weights : null,
      actQuant:
        recipe.kind === 'qat' && recipe.acts.bits > 0
          ? { acts: recipe.acts, qparams: session.actQParams() ?? {} }
          : null,
      sparsity: session.sparsity,
    };
  } finally {
    session.dispose();
  }
}
