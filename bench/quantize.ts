import { ARCH_IDS, DATASET_IDS } from '../src/features/model/shared/catalog';
import { median, openBench, selectedModels } from './browser';
import type { BenchWindow } from './browser';

/**
 * Benchmark 2, the quantization lab, in the real built app in headless Chromium:
 *  - a full weight-only sweep (float + 1..8 bits, full test set) per model, in the worker;
 *  - from a bit-width change in the store to (a) the new weight histogram and (b) the
 *    full-test-set accuracy of the quantized model, medians over repeated changes.
 * Targets on this machine: histogram < 50 ms, MLP full accuracy < 250 ms, MLP sweep < 1 s.
 */
const SWEEP_REPEATS = 3;
const CHANGES = [7, 6, 5, 4, 3, 2, 3, 4, 5, 6, 7, 8];

const session = await openBench();
try {
  const { page } = session;
  console.log('\nQuantization lab (weight-only PTQ, int symmetric per-tensor unless stated)\n');
  console.log('model          sweep median ms (9 evals)   per eval ms');
  for (const dataset of DATASET_IDS) {
    for (const arch of ARCH_IDS) {
      if (!selectedModels().includes(`${dataset}-${arch}`)) continue;
      const times = await page.evaluate(
        async ({ dataset, arch, repeats }) => {
          type Api = {
            evaluate: (d: string, a: string, r: unknown) => Promise<{ ms: number }>;
            describeModel: (d: string, a: string) => Promise<unknown>;
          };
          const w = window as unknown as {
            __playground: { client: { call: <T>(f: (api: Api) => Promise<T>) => Promise<T> } };
          };
          const c = w.__playground.client;
          await c.call((api) => api.describeModel(dataset, arch));
          await c.call((api) => api.evaluate(dataset, arch, null)); // warm-up
          const out: number[] = [];
          for (let r = 0; r < repeats; r++) {
            const t0 = performance.now();
            await c.call((api) => api.evaluate(dataset, arch, null));
            for (let bits = 1; bits <= 8; bits++) {
              // A fresh seed per repeat: the worker's cache of quantized weights is missed, so
              // quantizing is timed too.
              const weights = {
                weights: {
                  format: 'int',
                  bits,
                  scheme: 'symmetric',
                  granularity: 'tensor',
                  rounding: 'nearest',
                  ternary: false,
                },
                overrides: {},
                seed: 1000 + r,
                prune: { method: 'none', sparsity: 0, norm: 'l2', pattern: '2:4', overrides: {} },
                cluster: { k: 32, init: 'kmeans++' },
              };
              await c.call((api) => api.evaluate(dataset, arch, { weights, acts: null }));
            }
            out.push(performance.now() - t0);
          }
          return out;
        },
        { dataset, arch, repeats: SWEEP_REPEATS },
      );
      const m = median(times);
      console.log(
        `${`${dataset}-${arch}`.padEnd(14)} ${m.toFixed(0).padStart(26)} ${(m / 9).toFixed(1).padStart(13)}`,
      );
    }
  }

  console.log(
    '\nFrom a bit-width change (store action) to results in the store, then painted (one frame later)',
  );
  console.log(`median over ${CHANGES.length} changes, 8→2→8 bits\n`);
  console.log('model          histogram ms   full accuracy ms   max histogram ms');
  for (const dataset of DATASET_IDS) {
    for (const arch of ARCH_IDS) {
      if (!selectedModels().includes(`${dataset}-${arch}`)) continue;
      await page.evaluate(
        ({ dataset, arch }) => {
          const w = window as unknown as { location: Location };
          w.location.hash = `v=1&data=${dataset}&model=${arch}&view=quantize&w=int&wb=8`;
        },
        { dataset, arch },
      );
      const r = await page.evaluate(
        async ({ changes, model }) => {
          type S = {
            config: { dataset: string; weights: { bits: number } };
            summary: { key: string; data: { dataset: { test: { count: number } } } } | null;
            weightInspection: { key: string } | null;
            quantEvaluation: { key: string; data: { count: number } } | null;
            sweep: { key: string; data: { done: boolean } } | null;
            setWeightQuant: (p: { bits: number }) => void;
          };
          type StoreApi = { getState: () => S; subscribe: (f: (s: S) => void) => () => void };
          const w = window as unknown as { __playground: { store: StoreApi } };
          const store = w.__playground.store;
          const until = (pred: (s: S) => boolean) =>
            (window as unknown as BenchWindow).__bench.until(store, pred);
          const { frame } = (window as unknown as BenchWindow).__bench;
          const settled = (s: S) =>
            s.summary !== null &&
            s.quantEvaluation !== null &&
            s.quantEvaluation.key.includes(`|int|${s.config.weights.bits}|`) &&
            s.quantEvaluation.data.count === s.summary.data.dataset.test.count;
          // Let the page's own accuracy sweep finish first: it would compete for the worker.
          // (This model's: the hash change reaches the store a task later, and the store keeps the
          // previous model's sweep until the new one's first point arrives.)
          await until(
            (s) =>
              settled(s) &&
              s.sweep !== null &&
              s.summary!.key === model &&
              s.sweep.key.startsWith(`${model}|`) &&
              s.sweep.data.done,
          );
          const hist: number[] = [];
          const acc: number[] = [];
          for (const bits of changes) {
            const t0 = performance.now();
            store.getState().setWeightQuant({ bits });
            const h = until(
              (s) =>
                s.weightInspection !== null && s.weightInspection.key.includes(`|int|${bits}|`),
            ).then(() => frame());
            const a = until(settled);
            hist.push((await h) - t0);
            acc.push((await a) - t0);
          }
          return { hist, acc };
        },
        { changes: CHANGES, model: `${dataset}-${arch}` },
      );
      console.log(
        `${`${dataset}-${arch}`.padEnd(14)} ${median(r.hist).toFixed(1).padStart(12)} ${median(r.acc).toFixed(0).padStart(18)} ${Math.max(
          ...r.hist,
        )
          .toFixed(1)
          .padStart(18)}`,
      );
    }
  }
} finally {
  await session.close();
}
