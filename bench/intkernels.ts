/**
 * Benchmark: the integer WebAssembly path (src/features/infer) against tfjs's float path (wasm
 * backend, SIMD, one thread) on every shipped model, in Node (`npx tsx bench/intkernels.ts`).
 *
 * For each model and its whole test set: the float32 model (model.predict, what the app's
 * evaluation of the trained model runs), the fake-quant W8A8 float path (the app's evaluation of
 * a quantized config), and the integer W8A8 path, each the fastest and the median of several
 * runs (the fastest is the least disturbed when other processes share the cores); per-image
 * latency at batch 1 (median of many single images); the count of predictions where the integer
 * path differs from the fake-quant path; and the arithmetic bound of each path. Beside them,
 * PyTorch's float32 pass over the same test set on one thread (scripts/torch-eval.py --serve, the
 * faster of its kernel sets, as bench/app.ts runs it), timed in rounds with the integer pass, one
 * of each per round, so that each pair runs under the same load: the median of both and of the
 * rounds' ratios. Where no Python here has torch, a note says it was skipped.
 *
 * Options: --models mnist-mlp,mnist-cnn  --runs 7  --config w8a8|w4a8|w8a8c
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG } from '../src/platform/shared/config';
import type { WeightQuant } from '../src/platform/shared/config';
import { compressSettings } from '../src/features/compress';
import { ARCH_IDS, DATASET_IDS } from '../src/features/model/shared/catalog';
import { loadShippedDataset, loadShippedModel } from '../src/testing/shipped';
import type { EvalRequest } from '../src/platform/worker/engine';
import { loadKernels } from '../src/features/infer/worker/kernels';
import { enableRelaxedSimd, kernelBytes } from '../src/testing/kernels';
import { intPlanFor } from '../src/features/infer/worker/intPlan';
import { intLogits, residentImages } from '../src/features/infer/worker/run';
import { argmaxRows } from '../src/features/model';
import {
  floatPredict,
  floatTopClasses,
  singleImages,
  topClassOf,
} from '../src/features/infer/worker/floatPath';
import { testPixels } from '../src/features/infer/worker/pixels';
import { TorchServer } from './torch';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg('runs') ?? 11);
const LATENCY_IMAGES = 200;
const CONFIGS: Record<string, EvalRequest> = {
  w8a8: req({ bits: 8 }, 8),
  w8a8c: req({ bits: 8, granularity: 'channel' }, 8),
  w4a8: req({ bits: 4, granularity: 'channel' }, 8),
};
const configName = arg('config') ?? 'w8a8';
const request = CONFIGS[configName];
if (!request) throw new Error(`--config: one of ${Object.keys(CONFIGS).join(', ')}`);
const wanted = arg('models')?.split(',');

/**
 * Peaks of one core at an assumed 3 GHz. Float32 SIMD128 without FMA: 4 multiplies + 4 adds per
 * cycle, 12 GMAC/s (the figure bench/evaluate.ts uses). Integer: i32x4.dot_i16x8_s is x86's
 * pmaddwd, 8 multiply-adds, and recent cores issue two per cycle (each with its i32x4.add):
 * 48 GMAC/s. The kernels reach about 28 GMAC/s in their GEMM (a 2×16 register block on SIMD128,
 * 4×8 on relaxed SIMD: 22 instructions per 64 multiply-adds, issue-bound).
 */
const FLOAT_MACS_PER_S = 3e9 * 4;
const INT_MACS_PER_S = 3e9 * 16;

function req(w: Partial<WeightQuant>, actBits: number): EvalRequest {
  return {
    weights: compressSettings({ ...DEFAULT_CONFIG, weights: { ...DEFAULT_CONFIG.weights, ...w } }),
    acts: { ...DEFAULT_CONFIG.acts, bits: actBits },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Median and fastest of `runs` timed runs after a warm-up (the fastest is the least disturbed). */
async function timeIt(
  runs: number,
  f: () => Promise<unknown> | unknown,
): Promise<{ median: number; min: number }> {
  await f(); // warm-up: kernels compiled, memory allocated
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    t.push(performance.now() - t0);
  }
  return { median: median(t), min: Math.min(...t) };
}

/**
 * PyTorch beside the integer pass `int`, a round at a time (warmed up first, both kernel sets
 * timed and the faster kept, as bench/app.ts does): the table's two PyTorch columns.
 */
async function torchRounds(server: TorchServer, id: string, int: () => unknown): Promise<string> {
  const warm = await server.run(id, 3, 'best', true);
  const kernels = warm.kernels as 'aten' | 'mkldnn';
  const ints: number[] = [];
  const torchMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    int();
    ints.push(performance.now() - t0);
    torchMs.push((await server.run(id, 1, kernels, false)).medianMs);
  }
  const ratio = median(ints.map((x, i) => x / torchMs[i]!));
  return `${fmt(median(torchMs))} (${kernels}, ${warm.correct.toLocaleString('en')}) | ${ratio.toFixed(2)}× (integer ${fmt(median(ints))})`;
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)) + ' ms';

await tf.setBackend('wasm');
setThreadsCount(1);
await tf.ready();
// The fastest build that passes its self-test: in Node 20 that is SIMD128 (its V8 computes relaxed
// SIMD's dot product wrongly behind the flag); bench/gemm.ts and bench/app.ts time relaxed SIMD in
// Chromium.
enableRelaxedSimd();
const k = await loadKernels(async (p) => kernelBytes(p));

if (k.note) console.log(`Integer kernels: ${k.note}`);
console.log(
  `Integer (WebAssembly ${k.path}, 1 thread) vs tfjs ${tf.version.tfjs} wasm backend (SIMD, 1 thread), Node ${process.version}; config ${configName}; median of ${RUNS} runs`,
);
console.log(
  `Test-set times: fastest of ${RUNS} (median in brackets); ratios of the fastest; batch-1 latency: median over ${LATENCY_IMAGES} images`,
);
console.log(
  'int bound: the direct layers’ multiply-adds at the peak below; on SIMD128 the CNNs’ second convolution runs as Winograd F(2×2, 5×5), 36–37 multiplies per tile and channel pair where the bound counts 100',
);
const server = TorchServer.start();
const torchNote =
  typeof server === 'string'
    ? `PyTorch: ${server}`
    : `PyTorch: ${server.python}, float32 on one thread (OMP_NUM_THREADS=1), the trained weights; in rounds with the integer pass, one of each per round (median of each; ratio: median of the rounds' ratios)`;
console.log(
  '| model (test images) | float32 tfjs | fake-quant tfjs | integer | float32 ÷ integer | PyTorch float32 (kernels, correct) | integer ÷ PyTorch | int bound | batch-1 latency float32 / integer | differing predictions | accuracy int / fake-quant |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const dataset of DATASET_IDS)
  for (const arch of ARCH_IDS) {
    const id = `${dataset}-${arch}`;
    if (wanted && !wanted.includes(id)) continue;
    const m = await loadShippedModel(dataset, arch);
    const d = loadShippedDataset(dataset);
    const n = d.testLabels.length;
    const { plan } = await intPlanFor(m, d, request, k.path, k.planeMax);
    const images = residentImages(k, dataset, await testPixels(d), n);

    // Float32 model, as the app evaluates the trained model: one predict per batch, argmax.
    const float32 = await timeIt(RUNS, async () => {
      const p = await floatPredict(m, d, { weights: null, acts: null });
      return floatTopClasses(m, d, p);
    });
    const fakePredict = await floatPredict(m, d, request);
    const fakeQuant = await timeIt(RUNS, () => floatTopClasses(m, d, fakePredict));
    const intMs = await timeIt(RUNS, () => argmaxRows(intLogits(k, plan, images), plan.classes));

    const fq = await floatTopClasses(m, d, fakePredict);
    const iq = argmaxRows(intLogits(k, plan, images), plan.classes);
    let differ = 0;
    let ci = 0;
    let cf = 0;
    for (let i = 0; i < n; i++) {
      if (iq[i] !== fq[i]) differ++;
      if (iq[i] === d.testLabels[i]) ci++;
      if (fq[i] === d.testLabels[i]) cf++;
    }

    // Batch 1: one image at a time, median over LATENCY_IMAGES images.
    const plain = await floatPredict(m, d, { weights: null, acts: null });
    const lat = async (f: (i: number) => Promise<unknown> | unknown) => {
      await f(0);
      const t: number[] = [];
      for (let i = 0; i < LATENCY_IMAGES; i++) {
        const t0 = performance.now();
        await f(i);
        t.push(performance.now() - t0);
      }
      return median(t);
    };
    const singles = singleImages(d, LATENCY_IMAGES);
    const floatLat = await lat((i) => topClassOf(plain, singles[i]!));
    for (const x of singles) x.dispose();
    const intLat = await lat((i) => argmaxRows(intLogits(k, plan, images, { start: i, count: 1 }), plan.classes)); // prettier-ignore

    // PyTorch beside it where torch is here (a failure is printed in its cell).
    let torchCols = 'skipped | –';
    if (typeof server !== 'string')
      torchCols = await torchRounds(server, id, () =>
        argmaxRows(intLogits(k, plan, images), plan.classes),
      ).catch((e: unknown) => `failed: ${e instanceof Error ? e.message : String(e)} | –`);

    const macs = plan.steps.reduce((a, s) => a + (s.kind === 'gemm' ? s.macs : 0), 0) * n;
    const bound = (macs / INT_MACS_PER_S) * 1000;
    const both = (t: { median: number; min: number }) => `${fmt(t.min)} (${fmt(t.median)})`;
    console.log(
      `| ${id} (${n.toLocaleString('en')}) | ${both(float32)} | ${both(fakeQuant)} | ${both(intMs)} | ${(float32.min / intMs.min).toFixed(1)}× | ${torchCols} | ${fmt(bound)} (float ${fmt((macs / FLOAT_MACS_PER_S) * 1000)}) | ${(floatLat * 1000).toFixed(0)} µs / ${(intLat * 1000).toFixed(0)} µs | ${differ} | ${((100 * ci) / n).toFixed(2)}% / ${((100 * cf) / n).toFixed(2)}% |`,
    );
    m.model.dispose();
    d.testX.dispose();
  }
console.log(torchNote);
if (typeof server !== 'string') server.close();
