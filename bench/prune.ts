import * as tf from '@tensorflow/tfjs';
import { ARCH_IDS, DATASET_IDS } from '../src/features/model/shared/catalog';
import { kmeansCluster } from '../src/features/prune/shared/cluster';
import { loadShippedModel } from '../src/testing/shipped';
import { median, openBench, selectedModels } from './browser';
import type { BenchWindow } from './browser';

/**
 * Benchmark 3, the pruning lab, in the real built app in headless Chromium:
 *  - from a sparsity change (store action) to (a) the new mask statistics and (b) the compressed
 *    model's full-test-set accuracy, medians over repeated changes;
 *  - a 20-point accuracy-vs-sparsity sweep (magnitude, full test set) in the worker;
 * and, in Node, k-means (k = 32) on the largest layer of each model.
 * Targets on this machine: mask statistics < 50 ms, MLP full accuracy < 250 ms.
 */
const SPARSITIES = [0.5, 0.7, 0.8, 0.9, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5];

const session = await openBench();
try {
  const { page } = session;
  console.log('\nPruning lab (magnitude, layer-wise, weights float32 after pruning)\n');
  console.log('model          mask stats ms   full accuracy ms   20-point sweep ms');
  for (const dataset of DATASET_IDS) {
    for (const arch of ARCH_IDS) {
      if (!selectedModels().includes(`${dataset}-${arch}`)) continue;
      await page.evaluate(
        ({ dataset, arch }) => {
          window.location.hash = `v=1&data=${dataset}&model=${arch}&view=prune&pm=mag&sp=50&w=f32`;
        },
        { dataset, arch },
      );
      const r = await page.evaluate(async (sparsities) => {
        type S = {
          config: { prune: { sparsity: number } };
          summary: { data: { dataset: { test: { count: number } } } } | null;
          report: { key: string } | null;
          quantEvaluation: { key: string; data: { count: number } } | null;
          pruneSweep: { data: { done: boolean } } | null;
          setPrune: (p: { sparsity: number }) => void;
        };
        type StoreApi = { getState: () => S; subscribe: (f: (s: S) => void) => () => void };
        type Api = { evaluate: (d: string, a: string, r: unknown) => Promise<{ ms: number }> };
        const w = window as unknown as {
          __playground: {
            store: StoreApi;
            client: { call: <T>(f: (api: Api) => Promise<T>) => Promise<T> };
          };
        };
        const store = w.__playground.store;
        const until = (pred: (s: S) => boolean) =>
          (window as unknown as BenchWindow).__bench.until(store, pred);
        const tag = (s: S) => `Pmagnitude|${s.config.prune.sparsity}|`;
        const settled = (s: S) =>
          s.summary !== null &&
          s.quantEvaluation !== null &&
          s.quantEvaluation.key.includes(tag(s)) &&
          s.quantEvaluation.data.count === s.summary.data.dataset.test.count;
        await until((s) => settled(s) && s.pruneSweep !== null && s.pruneSweep.data.done);
        const stats: number[] = [];
        const acc: number[] = [];
        for (const sparsity of sparsities) {
          const t0 = performance.now();
          store.getState().setPrune({ sparsity });
          const a = until((s) => s.report !== null && s.report.key.includes(tag(s)));
          const b = until(settled);
          stats.push((await a) - t0);
          acc.push((await b) - t0);
        }
        // The sweep the lab draws has 12 sparsities per method; time 20 here, as the issue asks.
        const dsArch = store.getState() as unknown as { config: { dataset: string; arch: string } };
        const { dataset, arch } = dsArch.config;
        const t0 = performance.now();
        for (let i = 0; i < 20; i++) {
          const sparsity = Math.min(0.99, i * 0.05 + (i >= 18 ? 0.04 : 0));
          const prune = {
            method: 'magnitude',
            sparsity,
            norm: 'l2',
            pattern: '2:4',
            overrides: {},
          };
          const weights = {
            format: 'float32',
            bits: 8,
            scheme: 'symmetric',
            granularity: 'tensor',
            rounding: 'nearest',
            ternary: false,
          };
          await w.__playground.client.call((api) =>
            api.evaluate(dataset, arch, {
              weights: {
                weights,
                overrides: {},
                seed: 1,
                prune,
                cluster: { k: 32, init: 'kmeans++' },
              },
              acts: null,
            }),
          );
        }
        return { stats, acc, sweep: performance.now() - t0 };
      }, SPARSITIES);
      console.log(
        `${`${dataset}-${arch}`.padEnd(14)} ${median(r.stats).toFixed(1).padStart(13)} ${median(r.acc).toFixed(0).padStart(18)} ${r.sweep.toFixed(0).padStart(19)}`,
      );
    }
  }
} finally {
  await session.close();
}

console.log('\nk-means, k = 32, on the largest layer (Node, pure core), median of 5\n');
await tf.setBackend('cpu');
for (const dataset of DATASET_IDS) {
  for (const arch of ARCH_IDS) {
    if (!selectedModels().includes(`${dataset}-${arch}`)) continue;
    const m = await loadShippedModel(dataset, arch);
    const largest = m.original.reduce((a, b) => (b.kernel.length > a.kernel.length ? b : a));
    for (const init of ['linear', 'kmeans++'] as const) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        kmeansCluster(largest.kernel, 32, { init, seed: 1 });
        times.push(performance.now() - t0);
      }
      console.log(
        `${`${dataset}-${arch}`.padEnd(14)} ${largest.info.name.padEnd(5)} ${String(largest.kernel.length).padStart(7)} weights  ${init.padEnd(9)} ${median(times).toFixed(1).padStart(7)} ms`,
      );
    }
    m.model.dispose();
  }
}
