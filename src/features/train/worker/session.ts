import * as tf from '@tensorflow/tfjs';
import type { WeightQuantSpec } from '../../quantize';
import { buildMlp } from '../../model/worker';
import { evalBatchSize, evaluate } from '../../model/worker';
import { fakeQuantAct } from '../../model/worker';
import { imagesToTensor } from '../../model/worker';
import { readLayerWeights } from '../../model/worker';
import type { LayerWeights } from '../../model';
import { pruneStepAt } from '../shared/pruneSchedule';
import type { Recipe } from '../shared/recipe';
import { distillationLoss, teacherLogits } from './kdLoss';
import { MaskTensors, pruneMasks, zeroMasks } from './masks';
import type { LayerMasks } from './masks';
import { createNet, disposeNet, forwardNet, netVariables, readNet } from './net';
import type { ForwardOptions, Net } from './net';
import { ActRanges, disposeKernels, qatWeightSpec, quantizeKernels } from './qat';
import type { StepKernel } from './qat';
import { steFakeQuantAct, steWeight } from './ste';

/**
 * One run's tensors and the operations on them: the net being trained, its optimizer, the
 * masks, QAT's quantizers, the teacher's logits, the test set. `TrainSession.create` builds them,
 * `dispose` frees every tensor the session created (never the base model's).
 */

/** What the session needs of the base model (a `LoadedModel` is one). */
export interface SessionBase {
  /** Read for its topology only: its variables are never used nor written. */
  readonly model: tf.LayersModel;
  /** The trained weights: the starting point, or the teacher. */
  readonly original: readonly LayerWeights[];
}

export interface SessionData {
  readonly trainX: Uint8Array;
  readonly trainCount: number;
  readonly testX: Uint8Array | tf.Tensor4D;
  readonly testLabels: Uint8Array;
  readonly imageShape: readonly [number, number, number];
}

/** A batch, filled by the caller: x/255 pixels, labels, and the teacher's rows for KD. */
export interface BatchBuffers {
  readonly x: Float32Array;
  readonly labels: Int32Array;
  readonly teacher: Float32Array | null;
}

export interface BatchResult {
  readonly loss: number;
  /** Correct top-1 predictions in the batch. */
  readonly correct: number;
}

export type Architecture = { kind: 'mlp' | 'cnn'; hidden?: number[]; filters?: number[] };

function makeOptimizer(r: Recipe): tf.Optimizer {
  if (r.optimizer === 'adam') return tf.train.adam(r.learningRate);
  return r.momentum > 0
    ? tf.train.momentum(r.learningRate, r.momentum)
    : tf.train.sgd(r.learningRate);
}

/** The architecture of a net, read from its kernels. */
export function archOf(net: Net): Architecture {
  const out = (p: Net['params'][number]) => p.kernelShape[p.kernelShape.length - 1]!;
  const dense = net.params.filter((p) => p.className === 'Dense');
  const conv = net.params.filter((p) => p.className === 'Conv2D');
  const hidden = dense.slice(0, -1).map(out);
  return conv.length > 0
    ? { kind: 'cnn', hidden, filters: conv.map(out) }
    : { kind: 'mlp', hidden };
}

/** A seeded MLP student; the layers model only builds it and is disposed. */
async function buildStudent(
  hidden: readonly number[],
  classes: number,
  seed: number,
): Promise<Net> {
  const model = buildMlp(classes, { seed, hidden });
  try {
    return createNet(model, await readLayerWeights(model));
  } finally {
    model.dispose();
  }
}

export class TrainSession {
  /** Fraction of kernel weights pruned by the masks in force (fine-tuning), else null. */
  sparsity: number | null;
  private optimizer: tf.Optimizer | null = null;
  private ownedTestX: tf.Tensor4D | null = null;
  private readonly vars: tf.Variable[];
  private readonly masks: MaskTensors;

  private constructor(
    readonly recipe: Recipe,
    private readonly base: SessionBase,
    readonly net: Net,
    readonly classes: number,
    readonly baseArch: Architecture,
    /** KD: the teacher's logits on the training set, [n, classes] row-major. */
    readonly teacher: Float32Array | null,
    private readonly spec: WeightQuantSpec | null,
    private readonly keptZeros: readonly LayerMasks[] | null,
    private readonly testX: tf.Tensor4D,
    private readonly testLabels: Uint8Array,
    private readonly imageShape: readonly [number, number, number],
    private readonly acts: ActRanges | null,
    ownedTestX: tf.Tensor4D | null,
  ) {
    this.ownedTestX = ownedTestX;
    this.vars = netVariables(net);
    this.masks = new MaskTensors(net);
    this.masks.set(keptZeros);
    this.optimizer = makeOptimizer(recipe);
    this.sparsity = recipe.kind === 'finetune' ? 0 : null;
  }

  /**
   * Builds the run's net (or, for KD, computes the teacher's logits and builds the student), the
   * QAT calibration and the test tensor. Returns null if `cancelled()` turned true on the way;
   * whatever was built is then disposed.
   */
  static async create(
    recipe: Recipe,
    base: SessionBase,
    data: SessionData,
    cancelled: () => boolean,
  ): Promise<TrainSession | null> {
    const nets: Net[] = [];
    let testX: tf.Tensor4D | null = null;
    let session: TrainSession | null = null;
    try {
      const baseNet = createNet(base.model, base.original);
      nets.push(baseNet);
      const baseArch = archOf(baseNet);
      if (baseArch.kind !== recipe.arch) {
        throw new Error(
          `The recipe is for a ${recipe.arch.toUpperCase()}, the base model is a ${baseArch.kind.toUpperCase()}.`,
        );
      }
      const last = baseNet.params[baseNet.params.length - 1]!;
      const classes = last.kernelShape[last.kernelShape.length - 1]!;
      let net = baseNet;
      let teacher: Float32Array | null = null;
      if (recipe.kind === 'kd') {
        if (recipe.alpha > 0) {
          teacher = await teacherLogits(
            baseNet,
            data.trainX,
            data.trainCount,
            data.imageShape,
            cancelled,
          );
          if (!teacher) return null;
        }
        net = await buildStudent(recipe.student.hidden, classes, recipe.seed);
        nets.push(net);
      }
      const qat = recipe.kind === 'qat' ? recipe : null;
      const spec = qat ? qatWeightSpec(qat.weights, qat.seed) : null;
      const keptZeros =
        qat?.keepSparsity === true
          ? zeroMasks(
              net.params.map((p) => base.original.find((l) => l.info.name === p.name)!.kernel),
            )
          : null;
      const acts =
        qat && qat.acts.bits > 0
          ? await ActRanges.calibrate(net, qat.acts, data.trainX, data.imageShape, cancelled)
          : null;
      if (cancelled()) return null;
      if (data.testX instanceof Uint8Array) {
        testX = imagesToTensor(data.testX, data.testLabels.length, data.imageShape);
      }
      session = new TrainSession(
        recipe,
        base,
        net,
        classes,
        baseArch,
        teacher,
        spec && spec.kind !== 'float32' ? spec : null,
        keptZeros,
        testX ?? (data.testX as tf.Tensor4D),
        data.testLabels,
        data.imageShape,
        acts,
        testX,
      );
      // The teacher's net (KD) is done with; the net being trained belongs to the session.
      for (const n of nets) if (n !== net) disposeNet(n);
      return session;
    } finally {
      if (!session) {
        for (const n of nets) disposeNet(n);
        testX?.dispose();
      }
    }
  }

  /** Fine-tuning: recomputes the masks where the schedule says so, before step `step`'s update. */
  async prune(step: number): Promise<void> {
    const r = this.recipe;
    if (r.kind !== 'finetune') return;
    const plan = pruneStepAt(r.prune, r.schedule, step);
    if (!plan.shouldPrune) return;
    const pruned = await pruneMasks(this.net, this.base.original, plan.prune, r.seed);
    this.masks.set(pruned.layers);
    this.masks.apply();
    this.sparsity = pruned.sparsity;
  }

  /** QAT: this step's fake-quantized kernels from the current shadow weights (null otherwise). */
  private async quantized(): Promise<StepKernel[] | null> {
    if (!this.spec) return null;
    return quantizeKernels(
      this.net,
      this.spec,
      (this.keptZeros ?? []).map((m) => m.kernel),
    );
  }

  /**
   * The first `m` examples of `b` through the net: the loss and the correct predictions, with
   * (`update`) one optimizer step, after which the masks are enforced and QAT's activation ranges
   * move toward the batch's.
   */
  async batch(b: BatchBuffers, m: number, update: boolean): Promise<BatchResult> {
    const [h, w, c] = this.imageShape;
    const { classes, net } = this;
    const kd = this.recipe.kind === 'kd' ? this.recipe : null;
    const q = await this.quantized();
    const actQ = this.acts?.all() ?? null;
    let correctT: tf.Tensor | null = null;
    const rangesT: tf.Tensor[] = [];
    let lossT: tf.Scalar | null = null;
    try {
      lossT = tf.tidy(() => {
        const x = tf.tensor4d(b.x.subarray(0, m * h * w * c), [m, h, w, c]);
        const labels = tf.tensor1d(b.labels.subarray(0, m), 'int32');
        const onehot = tf.oneHot(labels, classes);
        const soft = b.teacher
          ? tf.tensor2d(b.teacher.subarray(0, m * classes), [m, classes])
          : null;
        const opts: ForwardOptions = {
          ...(q
            ? { kernel: (i: number, v: tf.Variable) => steWeight(v, q[i]!.values, q[i]!.pass) }
            : {}),
          ...(actQ
            ? {
                input: (i: number, t: tf.Tensor) => {
                  if (update) rangesT.push(tf.keep(tf.stack([tf.min(t), tf.max(t)])));
                  return steFakeQuantAct(t, actQ[i]!);
                },
              }
            : {}),
        };
        const lossOf = (): tf.Scalar => {
          const logits = forwardNet(net, x, opts);
          correctT = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'int32')));
          return distillationLoss(logits, onehot, soft, kd?.temperature ?? 1, kd?.alpha ?? 0);
        };
        if (!update) return lossOf();
        const loss = this.optimizer!.minimize(lossOf, true, this.vars);
        if (!loss) throw new Error('The optimizer returned no loss.');
        return loss;
      });
      if (update) this.masks.apply();
      const loss = (await lossT.data())[0]!;
      const correct = (await (correctT as tf.Tensor | null)!.data())[0]!;
      if (this.acts && update) {
        const ranges = [];
        for (const t of rangesT) {
          const [min, max] = await t.data();
          ranges.push({ min: min!, max: max! });
        }
        this.acts.update(ranges);
      }
      return { loss, correct };
    } finally {
      disposeKernels(q);
      const left = [lossT, correctT as tf.Tensor | null, ...rangesT];
      tf.dispose(left.filter((t): t is tf.Tensor => t !== null));
    }
  }

  /** Top-1 accuracy on the whole test set, as the model runs (QAT: fake-quantized). */
  async testAccuracy(): Promise<number> {
    const q = await this.quantized();
    const actQ = this.acts?.all() ?? null;
    try {
      const opts: ForwardOptions = {
        ...(q ? { kernel: (i: number) => q[i]!.values } : {}),
        ...(actQ ? { input: (i: number, x: tf.Tensor) => fakeQuantAct(x, actQ[i]!) } : {}),
      };
      const r = await evaluate(this.base.model, this.testX, this.testLabels, {
        predict: (x) => forwardNet(this.net, x, opts),
        batchSize: evalBatchSize(this.base.model, this.testLabels.length),
        numClasses: this.classes,
      });
      return r.accuracy;
    } finally {
      disposeKernels(q);
    }
  }

  /** QAT with activations: the trained fake-quant parameters of each weighted layer's input. */
  actQParams() {
    const acts = this.acts;
    return acts
      ? Object.fromEntries(this.net.params.map((p, i) => [p.name, acts.qparams(i)]))
      : null;
  }

  /** The weights as plain arrays; masked zeros stored as +0 (masking leaves −0, core's applyMask +0). */
  async weights() {
    const layers = await readNet(this.net);
    if (this.masks.active) {
      for (const l of layers) l.kernel.forEach((v, i, k) => (k[i] = v === 0 ? 0 : v));
    }
    return layers;
  }

  dispose(): void {
    disposeNet(this.net);
    this.optimizer?.dispose();
    this.optimizer = null;
    this.masks.dispose();
    this.ownedTestX?.dispose();
    this.ownedTestX = null;
  }
}
