import * as Comlink from 'comlink';
import type { DatasetId } from '../../features/model/shared/catalog';
import type { ModelArch } from '../shared/config';
import type { ActQuant } from '../shared/config';
import { evaluatePrefixCached, prefixCache } from '../../features/model/worker/prefixCache';
import { useFloatKernels } from '../../features/model/worker/kernels/floatKernels';
import type { FloatKernels } from '../../features/model/worker/kernels/floatKernels';
import { getDataset, getModel, prefetch } from './assets';
import { initBackend } from './backend';
import { workerMemory } from './memory';
import type { WorkerMemory } from './memory';
import { createSerial } from './serial';
import { summarizeModel } from './modelSummary';
import type { ModelSummary } from './modelSummary';
import type { BackendInfo } from './backend';
import { actQuantizers, inspectActivations } from '../../features/quantize/worker/calibration';
import type { ActInspection } from '../../features/quantize/worker/calibration';
import { applySettings } from '../../features/compress/worker/apply';
import type { CompressSettings } from '../../features/compress/shared/pipeline';
import { misclassifiedOf, softTargetsOf } from '../../features/train/worker/softTargets';
import type { Misclassified, SoftTargets } from '../../features/train/worker/softTargets';
import { tryitApi } from '../../features/tryit/worker';
import { exportApi } from '../../features/export/worker';
import { fidelityApi } from '../../features/upload/worker';
import { inferApi } from '../../features/infer/worker';
import { clearTouchedArrays } from '../shared/touchedArrays';

export type { Misclassified, SoftTargets } from '../../features/train/worker/softTargets';
export type { LayerSummary, ModelSummary } from './modelSummary';

/**
 * The compute engine: the only place tfjs lives. Everything it returns is plain data (numbers,
 * strings, typed arrays it owns and transfers), so the main thread never holds a tensor.
 */

export interface LayerHistogram {
  readonly modelId: string;
  readonly layer: string;
  readonly min: number;
  readonly max: number;
  readonly binWidth: number;
  readonly counts: Uint32Array;
}

/** What to evaluate: the original model, or one with quantized weights and/or activations. */
export interface EvalRequest {
  /** null = the trained float32 weights. */
  readonly weights: CompressSettings | null;
  /** null or bits = 0: activations stay float. */
  readonly acts: ActQuant | null;
}

export interface Evaluation {
  readonly modelId: string;
  readonly accuracy: number;
  readonly correct: number;
  readonly count: number;
  /** Row-major k×k, rows = true class. */
  readonly confusion: Uint32Array;
  readonly numClasses: number;
  /** Evaluation time; with `workers`, until the last worker's part was in. */
  readonly ms: number;
  /** Set when the test set was split between this many compute workers (absent: one). */
  readonly workers?: number;
  /**
   * Set when the pass resumed from cached activations at the input of this layer (earlier
   * layers unchanged since a pass over the same images): `ms` is then not the model's full cost.
   */
  readonly resumedAt?: number;
  /**
   * Set on the page when this is a result measured earlier this session for the same model and
   * settings (platform/state/evaluationMemo.ts), not a new pass: `ms` is that pass's time.
   */
  readonly remembered?: boolean;
}

let backendPromise: Promise<BackendInfo> | null = null;

function ensureBackend(): Promise<BackendInfo> {
  backendPromise ??= initBackend();
  return backendPromise;
}

/**
 * Evaluation and calibration load weights into the model's variables and then await: they run one
 * at a time, in arrival order (`exclusive`); "latest wins" per channel (`supersedable`). See
 * serial.ts. (Weight inspection never touches the model, so it does not wait.)
 */
const { exclusive, supersedable } = createSerial();

async function loaded(dataset: DatasetId, arch: ModelArch) {
  // The files download while the backend starts (a cold visit's first call waits for both).
  prefetch(dataset, arch);
  await ensureBackend();
  const [m, d] = await Promise.all([getModel(dataset, arch), getDataset(dataset)]);
  // An uploaded model of another shape brings its own (synthetic) test set: fidelity.
  return [m, m.testSet ?? d] as [typeof m, typeof d];
}

/**
 * Hands the kernel module to the float path where the wasm backend runs one thread (a 2-core
 * machine: the page keeps the other core): the float kernels take one thread, and on more cores
 * XNNPACK's threads beat them.
 */
function floatKernelsWhereOneThread(k: FloatKernels): void {
  ensureBackend().then(
    (b) => useFloatKernels(b.name === 'wasm' && b.threads === 1 ? k : null),
    () => {},
  );
}

export const engine = {
  /** Starts tfjs on the best available backend. Idempotent. */
  init(): Promise<BackendInfo> {
    return ensureBackend();
  },

  /** Loads a shipped model (and its test set) and describes its layers. */
  async describeModel(dataset: DatasetId, arch: ModelArch): Promise<ModelSummary> {
    const [m, d] = await loaded(dataset, arch);
    return summarizeModel(m.meta, d.meta, m.original);
  },

  /** Calibration data and clip range of one layer's input activations. */
  async inspectActivations(
    dataset: DatasetId,
    arch: ModelArch,
    acts: ActQuant,
    layer: string,
    bins: number,
  ): Promise<ActInspection> {
    const [m, d] = await loaded(dataset, arch);
    const r = await exclusive(() => inspectActivations(m, d, acts, layer, bins));
    return Comlink.transfer(r, [r.counts.buffer]);
  },

  /**
   * Test accuracy over `limit` test examples (all by default) from example `offset` (0 by
   * default) of the trained model or, with a request, of the compressed one.
   */
  async evaluate(
    dataset: DatasetId,
    arch: ModelArch,
    request: EvalRequest | null = null,
    limit?: number,
    /** Requests on the same channel supersede older queued ones (see `supersedable`). */
    channel?: string,
    offset?: number,
  ): Promise<Evaluation> {
    const [m, d] = await loaded(dataset, arch);
    const { r, ms, resumedAt } = await supersedable(channel, async () => {
      const actQ =
        request?.acts && request.acts.bits > 0
          ? await actQuantizers(m, d, request.acts, request.weights?.overrides ?? {})
          : new Map();
      applySettings(m, request?.weights ?? null);
      const t0 = performance.now();
      // Resumes from the cached input of the first layer that differs from an earlier pass's.
      const r = await evaluatePrefixCached(m.model, m.layers, d.testX, d.testLabels, actQ, {
        ...(limit === undefined ? {} : { limit }),
        ...(offset === undefined ? {} : { offset }),
      });
      return { r, ms: performance.now() - t0, resumedAt: prefixCache.last?.resumedAt ?? 0 };
    });
    const result: Evaluation = {
      modelId: m.meta.id,
      ...r,
      ms,
      ...(resumedAt > 0 ? { resumedAt } : {}),
    };
    return Comlink.transfer(result, [r.confusion.buffer]);
  },

  /**
   * Distillation's "dark knowledge": test image `index` and the trained model's logits for it
   * (the teacher's; the soft targets are softmax(z / T), taken where they are drawn). A newer
   * request supersedes a queued one, so stepping through images runs only the last.
   */
  async softTargets(dataset: DatasetId, arch: ModelArch, index: number): Promise<SoftTargets> {
    const [m, d] = await loaded(dataset, arch);
    const r = await supersedable('softTargets', () => {
      applySettings(m, null);
      return softTargetsOf(m, d, index);
    });
    return Comlink.transfer(r, [r.pixels.buffer, r.logits.buffer]);
  },

  /** Which test images the trained model misclassifies (the whole test set, once per model). */
  async misclassified(dataset: DatasetId, arch: ModelArch): Promise<Misclassified> {
    const [m, d] = await loaded(dataset, arch);
    const r = await exclusive(() => {
      applySettings(m, null);
      return misclassifiedOf(m, d);
    });
    return Comlink.transfer(r, [r.indices.buffer]);
  },

  /** The Try it tab: one input through both models; both models' classes of every test image. */
  ...tryitApi({ loaded, supersedable, applySettings }),

  /** The compressed model as TF.js files (the Export panel). */
  ...exportApi({ loaded }),

  /** An uploaded model of another shape: the compressed model's fidelity to the original. */
  ...fidelityApi({ loaded, supersedable, applySettings }),

  /** Integer inference on the WebAssembly kernels: intEvaluate and speed (issue 10). */
  // Its kernel module also runs the float path's convolutions and dense layers
  // (kernels/floatKernels.ts) where tfjs runs on one thread: the kernels take one.
  ...inferApi({ loaded, supersedable, onKernels: floatKernelsWhereOneThread }),

  /**
   * Forgets the cached layer inputs (see prefixCache.ts), so that the next evaluation runs the
   * whole network: for benchmarks that time a new configuration. The chunks they held stay in
   * the cache's pool, as after an eviction: the app recycles them, and a benchmark that freed
   * them would time the first touch of fresh memory (costly on some machines: see
   * prefixCache.ts's heapFloats) on every pass, which the app pays only while its pool fills.
   * With `freePool` the pool goes too (memory tests: its size depends on the last evaluations),
   * and so do the quantizers' arrays kept ready (platform/shared/touchedArrays.ts).
   */
  dropCaches(freePool = false): void {
    if (freePool) {
      prefixCache.clear();
      clearTouchedArrays();
    } else prefixCache.dropEntries();
  },

  /** Answers as soon as the worker's event loop is free: the client's heartbeat. */
  ping(): true {
    return true;
  },

  /**
   * Live tensors, the wasm heap's size and the worker's JS heap (where reported): lets tests and
   * benchmarks check that nothing leaks.
   */
  memory(): WorkerMemory {
    return workerMemory();
  },
};

export type EngineApi = typeof engine;
