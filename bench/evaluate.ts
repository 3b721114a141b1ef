import { ARCH_IDS, DATASET_IDS } from '../src/features/model/shared/catalog';
import { modelFlops } from '../src/features/model/shared/flops';
import type { LayerInfo } from '../src/features/model/shared/meta';
import { median, openBench, selectedModels } from './browser';

/**
 * Benchmark 1: full-test-set evaluation of each shipped model, in the compute worker of the real
 * built app in headless Chromium. Prints the median of several runs next to the arithmetic lower
 * bound (forward FLOPs ÷ an assumed peak), so the ratio shows how far from the hardware we are.
 *
 * Assumed peak: wasm SIMD is 128 bits wide with no fused multiply-add, so one core does at most
 * 4 multiplies + 4 adds per cycle; at 3 GHz that is 24 GFLOP/s per thread.
 */
const PEAK_FLOPS_PER_THREAD = 3e9 * 8;
const RUNS = 7;

interface Row {
  model: string;
  examples: number;
  medianMs: number;
  minMs: number;
  gflop: number;
  boundMs: number;
}

const session = await openBench();
try {
  const { page } = session;
  const backend = await page.evaluate(() => {
    const w = window as unknown as {
      __playground: { client: { call: (f: (api: unknown) => unknown) => Promise<unknown> } };
    };
    return w.__playground.client.call((api) => (api as { init: () => Promise<unknown> }).init());
  });
  const b = backend as {
    name: string;
    simd: boolean;
    threads: number;
    crossOriginIsolated: boolean;
  };
  const rows: Row[] = [];
  for (const dataset of DATASET_IDS) {
    for (const arch of ARCH_IDS) {
      if (!selectedModels().includes(`${dataset}-${arch}`)) continue;
      const r = await page.evaluate(
        async ({ dataset, arch, runs }) => {
          type Api = {
            describeModel: (
              d: string,
              a: string,
            ) => Promise<{ layers: { info: unknown }[]; dataset: { test: { count: number } } }>;
            evaluate: (d: string, a: string) => Promise<{ ms: number; count: number }>;
          };
          const w = window as unknown as {
            __playground: { client: { call: <T>(f: (api: Api) => Promise<T>) => Promise<T> } };
          };
          const c = w.__playground.client;
          const summary = await c.call((api) => api.describeModel(dataset, arch));
          await c.call((api) => api.evaluate(dataset, arch)); // warm-up: kernels compiled, memory allocated
          const times: number[] = [];
          let count = 0;
          for (let i = 0; i < runs; i++) {
            const e = await c.call((api) => api.evaluate(dataset, arch));
            times.push(e.ms);
            count = e.count;
          }
          return { layers: summary.layers.map((l) => l.info), times, count };
        },
        { dataset, arch, runs: RUNS },
      );
      const flops = modelFlops(r.layers as LayerInfo[]) * r.count;
      rows.push({
        model: `${dataset}-${arch}`,
        examples: r.count,
        medianMs: median(r.times),
        minMs: Math.min(...r.times),
        gflop: flops / 1e9,
        boundMs: (flops / (PEAK_FLOPS_PER_THREAD * b.threads)) * 1000,
      });
    }
  }
  console.log(
    `\nEvaluation over the full test set, in the worker (backend: ${b.name}${b.simd ? ' SIMD' : ''}, ${b.threads} thread(s), crossOriginIsolated: ${b.crossOriginIsolated})`,
  );
  console.log(
    `Lower bound = forward FLOPs / (${PEAK_FLOPS_PER_THREAD / 1e9} GFLOP/s per thread × ${b.threads}), at an assumed peak that a core issuing two 128-bit multiplies and two adds per cycle, or clocked above 3 GHz, beats (the CNNs did on 3 December); median of ${RUNS} runs after a warm-up.\n`,
  );
  console.log('model          examples  median ms   min ms   GFLOP  bound ms  median/bound');
  for (const r of rows) {
    console.log(
      `${r.model.padEnd(14)} ${String(r.examples).padStart(8)} ${r.medianMs.toFixed(1).padStart(10)} ${r.minMs.toFixed(1).padStart(8)} ${r.gflop.toFixed(2).padStart(7)} ${r.boundMs.toFixed(1).padStart(9)} ${(r.medianMs / r.boundMs).toFixed(1).padStart(12)}×`,
    );
  }
} finally {
  await session.close();
}
