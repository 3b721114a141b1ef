import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { DatasetId } from '../../model';
import type { ModelArch } from '../../../platform/shared/config';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import type { EvalRequest } from '../../../platform/worker/engine';
import type { IntPlan } from '../shared/plan';
import { simd128Instead } from '../shared/plan';
import { median } from '../shared/median';
import { calibrateGroup, groupedLatency, timeGroup } from '../shared/latency';
import { kernelLoader, workerKernels } from './kernelModule';
import type { IntKernels, KernelPath } from './kernels';
import { intPlanFor } from './intPlan';
import type { PlannedRequest } from './intPlan';
import { intLogits, residentImages } from './run';
import { argmaxRows } from '../../model';
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
  /** The bytes of a build of the kernels; by default fetched from the built assets. Node tests read the files. */
  wasm?: (path: KernelPath) => Promise<BufferSource>;
  /**
   * Given the fastest build once it has loaded, which starts at once when this is set (the
   * engine hands it to the float path's convolutions and dense layers). A build that fails to load is
   * not reported here: the integer path's own calls say why.
   */
  onKernels?: (k: IntKernels) => void;
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
  /** Why a faster build of the kernels was not used, if one was not. */
  readonly pathNote: string | null;
  /** The kernels' largest weight-plane byte (relaxed SIMD: 255 where 8-bit weights take one plane). */
  readonly planeMax: number;
  /**
   * Whether this runtime's relaxed-SIMD dot product takes two saturating steps (x86 without
   * AVX-VNNI: kernels.ts `saturatingDot`), which takes every configuration to SIMD128.
   */
  readonly twoStepDot: boolean;
}

export interface PathSpeed {
  /**
   * Milliseconds for one image (batch 1): the median of `latencyRuns` groups of `latencyGroup`
   * one-image calls, each group timed together (see shared/latency.ts).
   */
  readonly latencyMs: number;
  readonly latencyGroup: number;
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
  /** The integer model on the fastest kernels this runtime runs correctly, one thread. */
  readonly int: PathSpeed;
  readonly path: KernelPath;
  /** Why a faster build of the kernels was not used, if one was not. */
  readonly pathNote: string | null;
  /**
   * The relaxed-SIMD build's largest weight-plane byte (255 where 8-bit weights take one plane),
   * whichever build `path` is; the SIMD128 build's where relaxed SIMD does not run.
   */
  readonly planeMax: number;
  /**
   * The same integer model on the other build of the kernels, for comparison, where this runtime
   * runs both (relaxed SIMD validates): SIMD128 when `path` is relaxed SIMD, and relaxed SIMD
   * when it was passed over for this configuration (see plan.ts, `simd128Instead`).
   */
  readonly other: (PathSpeed & { readonly path: KernelPath }) | null;
  readonly intThreads: 1;
  /** Multiply-accumulates per image of the weighted layers. */
  readonly macsPerImage: number;
  readonly approximations: readonly string[];
}

/** The integer path's predictions on a range of test images (see `intPredict`). */
export interface IntPrediction {
  readonly classes: Uint8Array;
  /** How many of them are right. */
  readonly correct: number;
  /** Milliseconds of the pass inside the worker (kernels only). */
  readonly ms: number;
  readonly path: KernelPath;
}

/** One point of an integer-path sweep (e.g. over weight bit-widths). */
export interface IntSweepPoint {
  /** The build of the kernels the point ran on (every point of a sweep runs on one). */
  readonly path: KernelPath;
  /** Milliseconds for one image (batch 1): median of groups of `latencyGroup` calls. */
  readonly latencyMs: number;
  readonly latencyGroup: number;
  /** Milliseconds for the first `images` test images in one call (median of `batchRuns`). */
  readonly batchMs: number;
  readonly images: number;
  /** Timed calls behind `batchMs`: at least 3, until `minBatchMs` are spent, at most 25. */
  readonly batchRuns: number;
}

export function inferApi(deps: InferDeps) {
  let lastPredictPlan: {
    readonly key: string;
    readonly model: LoadedModel;
    readonly plan: IntPlan;
    readonly kernels: IntKernels;
  } | null = null;
  /** The kernels by the path asked for ('best': the fastest this runtime runs correctly). */
  const kernels = deps.wasm ? kernelLoader(deps.wasm) : workerKernels;
  if (deps.onKernels) kernels().then(deps.onKernels, () => {});
  /** A build of the kernels and `request`'s plan for it. */
  type Run = { readonly k: IntKernels; readonly plan: IntPlan };
  /**
   * The build that runs `request` (`path`, or by default the fastest: the best build this runtime
   * runs correctly, unless that is relaxed SIMD with a dot product of two steps or taking a layer's
   * weights in more than one plane: then SIMD128, see `simd128Instead` in plan.ts), its plan, why
   * a faster build was not used, and the relaxed plan it passed over, for the speed comparison
   * (null where it passed none over; on a dot product of two steps, planned only with `compare`:
   * the build is known without it, and a plan costs 8–18 ms of a new configuration's time).
   */
  const runner = async (
    m: LoadedModel,
    d: LoadedDataset,
    request: EvalRequest,
    path?: KernelPath,
    compare = false,
  ): Promise<
    Run & { acts: PlannedRequest['acts']; note: string | null; passedOver: Run | null }
  > => {
    const planOn = async (kk: IntKernels) => ({
      k: kk,
      ...(await intPlanFor(m, d, request, kk.path, kk.planeMax)),
    });
    const k = await kernels(path);
    if (k.path === 'relaxed-simd' && !path && k.twoStepDot) {
      const base = await planOn(await kernels('simd128'));
      const passedOver = compare ? await planOn(k) : null;
      return { ...base, note: simd128Instead(base.plan, true), passedOver };
    }
    const own = await planOn(k);
    const instead = k.path === 'relaxed-simd' && !path ? simd128Instead(own.plan, false) : null;
    if (instead === null) return { ...own, note: k.note, passedOver: null };
    return { ...(await planOn(await kernels('simd128'))), note: instead, passedOver: own };
  };
  const imagesOf = async (k: IntKernels, d: LoadedDataset): Promise<ResidentImages> =>
    residentImages(k, d.meta.id, await testPixels(d), d.testLabels.length);

  return {
    /**
     * Test accuracy of `request` on the integer path (activations as the request quantizes them,
     * or 8-bit when it leaves them float: see `approximations`), and how many predictions differ
     * from the fake-quant float path evaluated in the same call. `path` picks a build of the
     * kernels (default: the fastest this runtime runs correctly).
     */
    async intEvaluate(
      dataset: DatasetId,
      arch: ModelArch,
      request: EvalRequest,
      channel?: string,
      path?: KernelPath,
    ): Promise<IntEvaluation> {
      const [m, d] = await deps.loaded(dataset, arch);
      return deps.supersedable(channel, async () => {
        const { k, plan, acts, note } = await runner(m, d, request, path);
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
          pathNote: note,
          planeMax: k.planeMax,
          twoStepDot: (await kernels()).twoStepDot,
        };
      });
    },

    /**
     * The integer path's top class for test images [start, start + count) and the milliseconds
     * of that pass (kernels only, after one warm-up pass over the same images when `warm`): one
     * worker's share of a test set split between workers.
     */
    async intPredict(
      dataset: DatasetId,
      arch: ModelArch,
      request: EvalRequest,
      start: number,
      count: number,
      warm = false,
    ): Promise<IntPrediction> {
      const [m, d] = await deps.loaded(dataset, arch);
      return deps.supersedable('intPredict', async () => {
        // Shares of a split are asked for again and again with one request: plan it once.
        const key = JSON.stringify(request);
        if (lastPredictPlan?.key !== key || lastPredictPlan.model !== m) {
          const r = await runner(m, d, request);
          lastPredictPlan = { key, model: m, plan: r.plan, kernels: r.k };
        }
        const { plan, kernels: k } = lastPredictPlan;
        const images = await imagesOf(k, d);
        const run = () => argmaxRows(intLogits(k, plan, images, { start, count }), plan.classes);
        if (warm) run();
        const t0 = performance.now();
        const classes = run();
        const ms = performance.now() - t0;
        let correct = 0;
        for (let i = 0; i < classes.length; i++)
          if (classes[i] === d.testLabels[start + i]) correct++;
        return { classes, correct, ms, path: k.path };
      });
    },

    /**
     * Latency per image (batch 1, median of `latencyRuns` timed groups) and throughput (the whole
     * test set in one call) of the trained float32 model on tfjs and of `request` on the integer
     * kernels it runs on (and on the other build, where this runtime runs both), measured back to
     * back under the model lock.
     */
    async speed(
      dataset: DatasetId,
      arch: ModelArch,
      request: EvalRequest,
      latencyRuns = 50,
    ): Promise<SpeedReport> {
      const [m, d] = await deps.loaded(dataset, arch);
      return deps.supersedable('speed', async () => {
        const { k, plan, note, passedOver } = await runner(m, d, request, undefined, true);
        // The other build, where this runtime runs both: the relaxed one the runner passed over,
        // or SIMD128 beside relaxed SIMD.
        const base: Run | null =
          passedOver ?? (k.path === 'relaxed-simd' ? await runner(m, d, request, 'simd128') : null);
        const images = await imagesOf(k, d);
        const n = images.count;
        const runs = Math.max(1, Math.min(latencyRuns, n));
        const plain = await floatPredict(m, d, { weights: null, acts: null });
        const singles = singleImages(d, runs);
        const floatOne = (i: number) => topClassOf(plain, singles[i]!);
        /** One image, and the whole test set, on one build of the kernels. */
        const intRuns = async ({ k: kk, plan: p }: Run) => {
          const imgs = kk === k ? images : await imagesOf(kk, d);
          return {
            one: (i: number) =>
              argmaxRows(intLogits(kk, p, imgs, { start: i, count: 1 }), p.classes),
            all: () => argmaxRows(intLogits(kk, p, imgs), p.classes),
          };
        };
        const latency = (one: (i: number) => unknown) =>
          groupedLatency(one, runs, runs, () => performance.now());
        const batch = async (all: () => unknown) => {
          await all(); // warm-up at the batch size
          const t0 = performance.now();
          await all();
          return performance.now() - t0;
        };
        const floatAll = () => floatTopClasses(m, d, plain);
        // Each path's batch first: its warm-up pass over the whole test set gets the kernels
        // tiered up (V8 runs new WebAssembly code on its baseline compiler first). Timed before
        // it, the first measurement after a page load read 96 µs a SIMD128 image where the next
        // read 14 µs.
        let fb: number;
        let fl: Awaited<ReturnType<typeof latency>>;
        try {
          fb = await batch(floatAll);
          fl = await latency(floatOne);
        } finally {
          for (const x of singles) x.dispose();
        }
        const best = await intRuns({ k, plan });
        const ib = await batch(best.all);
        const il = await latency(best.one);
        let other: SpeedReport['other'] = null;
        if (base) {
          const r = await intRuns(base);
          const bb = await batch(r.all);
          const bl = await latency(r.one);
          other = {
            path: base.k.path,
            latencyMs: bl.ms,
            latencyGroup: bl.group,
            batchMs: bb,
            imagesPerSecond: (n / bb) * 1000,
          };
        }
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
          float: {
            latencyMs: fl.ms,
            latencyGroup: fl.group,
            batchMs: fb,
            imagesPerSecond: (n / fb) * 1000,
          },
          floatBackend: tf.getBackend(),
          floatThreads: threads,
          int: {
            latencyMs: il.ms,
            latencyGroup: il.group,
            batchMs: ib,
            imagesPerSecond: (n / ib) * 1000,
          },
          path: k.path,
          pathNote: note,
          planeMax: ([k, base?.k].find((b) => b?.path === 'relaxed-simd') ?? k).planeMax,
          other,
          intThreads: 1,
          macsPerImage: macsOf(plan),
          approximations: plan.approximations,
        };
      });
    },

    /**
     * The integer path's latency (batch 1, median of `latencyRuns` groups) and batch time (the
     * first `images` test images) for each request, both timed in rounds over all the requests: a
     * sweep, e.g. over weight bit-widths.
     */
    async intSpeedSweep(
      dataset: DatasetId,
      arch: ModelArch,
      requests: readonly EvalRequest[],
      latencyRuns = 30,
      images = 1000,
      minBatchMs = 150,
    ): Promise<IntSweepPoint[]> {
      const [m, d] = await deps.loaded(dataset, arch);
      return deps.supersedable('intSpeedSweep', async () => {
        // One build for every point: the default, unless the runner takes every configuration to
        // SIMD128 here (relaxed SIMD's dot product takes two steps: see `simd128Instead`), so that
        // each point is timed on the build its configuration runs on.
        let k = await kernels();
        if (k.path === 'relaxed-simd' && k.twoStepDot) k = await kernels('simd128');
        const plans: IntPlan[] = [];
        for (const request of requests)
          plans.push((await intPlanFor(m, d, request, k.path, k.planeMax)).plan);
        const all = await imagesOf(k, d);
        const count = Math.max(1, Math.min(images, all.count));
        const runs = Math.max(1, Math.min(latencyRuns, all.count));
        /** Uploads the plan's weights (one plan is resident at a time): an untimed one-image pass. */
        const load = (plan: IntPlan) => intLogits(k, plan, all, { start: 0, count: 1 });
        // The batches in rounds over the points, each point once a round (its weights uploaded by
        // a one-image pass first, untimed), so that whatever else slows the machine for a while
        // falls on every point alike instead of on the one being timed (one median of 3 such runs
        // per point, point after point, once made 7 bits take 2–4× its neighbours' time). At
        // least 3 rounds and `minBatchMs` per point, at most 25 rounds.
        const b: number[][] = plans.map(() => []);
        const spent = plans.map(() => 0);
        for (let round = 0; round < 25 && (round < 3 || Math.min(...spent) < minBatchMs); round++)
          plans.forEach((plan, j) => {
            load(plan);
            const t0 = performance.now();
            argmaxRows(intLogits(k, plan, all, { start: 0, count }), plan.classes);
            const ms = performance.now() - t0;
            b[j]!.push(ms);
            spent[j]! += ms;
          });
        // Then the latency, once the batches have run the kernels warm (see `speed`), in rounds
        // over the points too (each point's weights loaded first, untimed): point after point,
        // one point's median of 30 once came out 3–5× its neighbours'. Each sample is a group of
        // one-image calls on successive images (shared/latency.ts), sized per point.
        const now = () => performance.now();
        const calls = plans.map((plan) => {
          let image = 0;
          return () =>
            argmaxRows(intLogits(k, plan, all, { start: image++ % runs, count: 1 }), plan.classes);
        });
        const groups: number[] = [];
        for (let j = 0; j < plans.length; j++)
          groups.push(await calibrateGroup(calls[j]!, now, () => load(plans[j]!)));
        const t: number[][] = plans.map(() => []);
        for (let i = 0; i < runs; i++)
          for (let j = 0; j < plans.length; j++)
            t[j]!.push(await timeGroup(calls[j]!, groups[j]!, now, () => load(plans[j]!)));
        const latencies = t.map(median);
        const out: IntSweepPoint[] = plans.map((_, j) => ({
          path: k.path,
          latencyMs: latencies[j]!,
          latencyGroup: groups[j]!,
          batchMs: median(b[j]!),
          images: count,
          batchRuns: b[j]!.length,
        }));
        return out;
      });
    },
  };
}

function macsOf(plan: IntPlan): number {
  return plan.steps.reduce((a, s) => a + (s.kind === 'gemm' ? s.macs : 0), 0);
}

export type InferApi = ReturnType<typeof inferApi>;
