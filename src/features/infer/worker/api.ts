import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from './intkernels.wasm?url';
import type { DatasetId } from '../../model';
import type { ModelArch } from '../../../platform/shared/config';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import type { EvalRequest } from '../../../platform/worker/engine';
import type { IntPlan } from '../shared/plan';
import { instantiateKernels } from './kernels';
import type { IntKernels, KernelPath } from './kernels';
import { intPlanFor } from './intPlan';
import { argmaxRows, intLogits, residentImages } from './run';
import type { ResidentImages } from './run';
import { floatPredict, floatTopClasses, singleImages, topClassOf } from './floatPath';
import { testPixels } from './pixels';

/**
 * The compute worker's integer inference (issue 10): evaluation of a quantized config on the
 * WebAssembly integer kernels, with the count of predictions that differ from the app's
 * fake-quant float path, and a side-by-side speed measurement of the float32 model (tfjs) and
 * the integer model. The engine spreads `inferApi(...)` into its API.
 */

/** What the engine lends: loading and its model lock (latest wins per channel). */
export interface InferDeps {
  loaded(dataset: DatasetId, arch: ModelArch): Promise<[LoadedModel, LoadedDataset]>;
  supersedable<T>(channel: string | undefined, fn: () => Promise<T>): Promise<T>;
  /** The kernels' bytes; by default fetched from the built asset. Node tests read the file. */
  wasm?: () => Promise<BufferSource>;
}

export interface IntEvaluation {
  readonly modelId: string;
  readonly accuracy: number;
  readonly correct: number;
  readonly count: number;
  /**
   * Milliseconds of the integer pass over the test set (kernels only; planning excluded). The
   * first call in a worker runs partly on V8's baseline code and takes several times longer.
   */
  readonly ms: number;
  /** Test images whose integer prediction differs from the fake-quant float path's. */
  readonly differing: number;
  /** The fake-quant float path's correct count, on the same images. */
  readonly floatCorrect: number;
  /** Empty when the config is integer throughout: then only rounding can make them differ. */
  readonly approximations: readonly string[];
  readonly actBits: number;
  readonly path: KernelPath;
}

export interface PathSpeed {
  /** Median milliseconds for one image (batch 1), over `latencyRuns` test images. */
  readonly latencyMs: number;
  /** Milliseconds for the whole test set in one call (batched), and images per second. */
  readonly batchMs: number;
  readonly imagesPerSecond: number;
}

export interface SpeedReport {
  readonly modelId: string;
  readonly count: number;
  readonly latencyRuns: number;
  /** The trained float32 model on tfjs (model.predict), `floatThreads` threads. */
  readonly float: PathSpeed;
  readonly floatBackend: string;
  readonly floatThreads: number;
  /** The integer model on the WebAssembly kernels, one thread. */
  readonly int: PathSpeed;
  readonly path: KernelPath;
  readonly intThreads: 1;
  /** Multiply-accumulates per image of the weighted layers. */
  readonly macsPerImage: number;
  readonly approximations: readonly string[];
}

/** One point of an integer-path sweep (e.g. over weight bit-widths). */
export interface IntSweepPoint {
  /** Median milliseconds for one image (batch 1). */
  readonly latencyMs: number;
  /** Milliseconds for the first `images` test images in one call (median of 3). */
  readonly batchMs: number;
  readonly images: number;
}

let kernelsPromise: Promise<IntKernels> | null = null;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function inferApi(deps: InferDeps) {
  const loadBytes =
    deps.wasm ??
    (async () => {
      const res = await fetch(wasmUrl);
      if (!res.ok) throw new Error(`Could not load the integer kernels: HTTP ${res.status}.`);
      return res.arrayBuffer();
    });
  const kernels = (): Promise<IntKernels> => {
    kernelsPromise ??= loadBytes().then(instantiateKernels);
    kernelsPromise.catch(() => (kernelsPromise = null));
    return kernelsPromise;
  };
  const imagesOf = async (k: IntKernels, d: LoadedDataset): Promise<ResidentImages> =>
    residentImages(k, d.meta.id, await testPixels(d), d.testLabels.length);

  return {
    /**
     * Test accuracy of `request` on the integer path (activations as the request quantizes them,
     * or 8-bit when it leaves them float: see `approximations`), and how many predictions differ
     * from the fake-quant float path evaluated in the same call.
     */
    async intEvaluate(
      dataset: DatasetId,
      arch: ModelArch,
      request: EvalRequest,
      channel?: string,
    ): Promise<IntEvaluation> {
      const [m, d] = await deps.loaded(dataset, arch);
      const k = await kernels();
      return deps.supersedable(channel, async () => {
        const { plan, acts } = await intPlanFor(m, d, request);
        const images = await imagesOf(k, d);
        const t0 = performance.now();
        const int = argmaxRows(intLogits(k, plan, images), plan.classes);
        const ms = performance.now() - t0;
        const float = await floatTopClasses(m, d, await floatPredict(m, d, request));
        let correct = 0;
        let floatCorrect = 0;
        let differing = 0;
        for (let i = 0; i < int.length; i++) {
          const t = d.testLabels[i];
          if (int[i] === t) correct++;
          if (float[i] === t) floatCorrect++;
          if (int[i] !== float[i]) differing++;
        }
        return {
          modelId: m.meta.id,
          accuracy: int.length > 0 ? correct / int.length : 0,
          correct,
          count: int.length,
          ms,
          differing,
          floatCorrect,
          approximations: plan.approximations,
          actBits: acts.bits,
          path: k.path,
        };
      });
    },

    /**
     * Latency per image (batch 1, median over `latencyRuns` test images) and throughput (the whole
     * test set in one call) of the trained float32 model on tfjs and of `request` on the integer
     * kernels, measured back to back under the model lock.
     */
    async speed(
      dataset: DatasetId,
      arch: ModelArch,
      request: EvalRequest,
      latencyRuns = 50,
    ): Promise<SpeedReport> {
      const [m, d] = await deps.loaded(dataset, arch);
      const k = await kernels();
      return deps.supersedable('speed', async () => {
        const { plan } = await intPlanFor(m, d, request);
        const images = await imagesOf(k, d);
        const n = images.count;
        const runs = Math.max(1, Math.min(latencyRuns, n));
        const plain = await floatPredict(m, d, { weights: null, acts: null });
        const singles = singleImages(d, runs);
        const floatOne = (i: number) => topClassOf(plain, singles[i]!);
        const intOne = (i: number) =>
          argmaxRows(intLogits(k, plan, images, { start: i, count: 1 }), plan.classes);
        const latency = async (one: (i: number) => unknown) => {
          await one(0); // warm-up
          const t: number[] = [];
          for (let i = 0; i < runs; i++) {
            const t0 = performance.now();
            await one(i);
            t.push(performance.now() - t0);
          }
          return median(t);
        };
        const batch = async (all: () => unknown) => {
          const t0 = performance.now();
          await all();
          return performance.now() - t0;
        };
        const floatAll = () => floatTopClasses(m, d, plain);
        const intAll = () => argmaxRows(intLogits(k, plan, images), plan.classes);
        let fl: number;
        try {
          fl = await latency(floatOne);
        } finally {
          for (const x of singles) x.dispose();
        }
        const il = await latency(intOne);
        await floatAll(); // warm-up at the batch size
        const fb = await batch(floatAll);
        const ib = await batch(intAll);
        let threads: number;
        try {
          threads = tf.getBackend() === 'wasm' ? getThreadsCount() : 1;
        } catch {
          threads = 1; // the backend did not say
        }
        return {
          modelId: m.meta.id,
          count: n,
          latencyRuns: runs,
          float: { latencyMs: fl, batchMs: fb, imagesPerSecond: (n / fb) * 1000 },
          floatBackend: tf.getBackend(),
          floatThreads: threads,
          int: { latencyMs: il, batchMs: ib, imagesPerSecond: (n / ib) * 1000 },
          path: k.path,
          intThreads: 1,
          macsPerImage: macsOf(plan),
          approximations: plan.approximations,
        };
      });
    },

    /**
     * The integer path's latency (batch 1, median of `latencyRuns`) and batch time (the first
     * `images` test images) for each request in turn: a sweep, e.g. over weight bit-widths.
     */
    async intSpeedSweep(
      dataset: DatasetId,
      arch: ModelArch,
      requests: readonly EvalRequest[],
      latencyRuns = 30,
      images = 1000,
    ): Promise<IntSweepPoint[]> {
      const [m, d] = await deps.loaded(dataset, arch);
      const k = await kernels();
      return deps.supersedable('intSpeedSweep', async () => {
        const all = await imagesOf(k, d);
        const count = Math.max(1, Math.min(images, all.count));
        const runs = Math.max(1, Math.min(latencyRuns, all.count));
        const out: IntSweepPoint[] = [];
        for (const request of requests) {
          const { plan } = await intPlanFor(m, d, request);
          intLogits(k, plan, all, { start: 0, count: 1 }); // warm-up
          const t: number[] = [];
          for (let i = 0; i < runs; i++) {
            const t0 = performance.now();
            argmaxRows(intLogits(k, plan, all, { start: i, count: 1 }), plan.classes);
            t.push(performance.now() - t0);
          }
          const b: number[] = [];
          for (let r = 0; r < 3; r++) {
            const t0 = performance.now();
            argmaxRows(intLogits(k, plan, all, { start: 0, count }), plan.classes);
            b.push(performance.now() - t0);
          }
          out.push({ latencyMs: median(t), batchMs: median(b), images: count });
        }
        return out;
      });
    },
  };
}

function macsOf(plan: IntPlan): number {
  return plan.steps.reduce((a, s) => a + (s.kind === 'gemm' ? s.macs : 0), 0);
}

export type InferApi = ReturnType<typeof inferApi>;
