/**
 * Benchmark: the compute worker's prefix cache (src/features/model/worker/prefixCache.ts) against
 * the uncached evaluation it replaced (model.predict, or the layer-by-layer forward pass when
 * activations are quantized), side by side in one run, in Node on tfjs's wasm backend (SIMD, one
 * thread, as the app's worker): `npx tsx bench/prefix.ts [--models mnist-mlp,mnist-cnn] [--runs 3]`.
 *
 * Work measured per model, as the app's jobs request it:
 * - the per-layer sensitivity job: the all-float reference, then each weighted layer alone at 8,
 *   4, 3 and 2 bits (src/features/quantize/state/jobs.ts), over the whole test set; the cached
 *   side starts each run with an empty cache;
 * - "change the last layer's override → full accuracy": the config before the change (int8, or
 *   W8A8) is in the cache, then the last layer's bit-width changes and the whole test set is
 *   evaluated as the labs do (the first 1,000 images, then the rest);
 * - a 9-point bit sweep, where every layer changes at every point: nothing to reuse, so this is
 *   what keeping the layer inputs costs when it does not pay.
 * Times are medians over the runs, the two sides alternating, so the ratios hold on a busy
 * machine; every cached result is checked against the uncached one (correct count and confusion
 * matrix) and the script exits 1 on any difference.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG } from '../src/platform/shared/config';
import type { ActQuant, Config } from '../src/platform/shared/config';
import { loadShippedDataset, loadShippedModel } from '../src/testing/shipped';
import type { ArchId, DatasetId } from '../src/features/model/shared/catalog';
import { applySettings } from '../src/features/compress/worker';
import { actQuantizers } from '../src/features/quantize/worker';
import { evaluate, forward, PrefixCache, evaluatePrefixCached } from '../src/features/model/worker';
import type { ActQParams } from '../src/features/model/worker';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const MODELS = (arg('models') ?? 'mnist-mlp,mnist-cnn,fashion-cnn').split(',');
const RUNS = Number(arg('runs') ?? 3);
const SENSITIVITY_BITS = [8, 4, 3, 2];
const SWEEP_BITS = [8, 7, 6, 5, 4, 3, 2, 1];
const QUICK = 1000;

type Settings = NonNullable<Parameters<typeof applySettings>[1]>;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
type Range = { limit?: number; offset?: number };
/** Milliseconds: the engine's old path (model.predict / forward), the cache's layer-by-layer
 * path with an empty cache that keeps nothing, and with the cache. */
type Times = { plain: number; layered: number; cached: number };

const sum = (ts: readonly Times[]): Times =>
  ts.reduce((a, t) => ({
    plain: a.plain + t.plain,
    layered: a.layered + t.layered,
    cached: a.cached + t.cached,
  }));
const medians = (ts: readonly Times[]): Times => ({
  plain: median(ts.map((t) => t.plain)),
  layered: median(ts.map((t) => t.layered)),
  cached: median(ts.map((t) => t.cached)),
});
/** A cache that keeps nothing: the same layer-by-layer pass, never resumed. */
const noCache = new PrefixCache({ maxBytes: 0 });

const settings = (bits: number, overrides: Config['overrides'] = {}): Settings => ({
  weights: { ...DEFAULT_CONFIG.weights, bits },
  overrides,
  seed: DEFAULT_CONFIG.seed,
  prune: DEFAULT_CONFIG.prune,
  cluster: DEFAULT_CONFIG.cluster,
});

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

await tf.setBackend('wasm');
setThreadsCount(1);
await tf.ready();

let mismatches = 0;
console.log(
  `Prefix cache vs uncached evaluation: tfjs ${tf.version.tfjs} wasm backend (1 thread), Node ${process.version}; medians of ${RUNS} runs, the two sides alternating`,
);

for (const id of MODELS) {
  const [dataset, arch] = id.split('-') as [DatasetId, ArchId];
  const m = await loadShippedModel(dataset, arch);
  const d = loadShippedDataset(dataset);
  const names = m.original.map((l) => l.info.name);
  const last = names[names.length - 1]!;
  const count = d.testLabels.length;
  const acts: ActQuant = { ...DEFAULT_CONFIG.acts, bits: 8 };
  const noActs = new Map<string, ActQParams>();
  const tensorsBefore = tf.memory().numTensors;
  /** Fingerprint times of the first pass after new weights (every layer hashed). */
  const hashed: number[] = [];

  /** Evaluates `s` over `ranges` three ways (see Times), checking that the results agree. */
  async function pair(
    s: Settings,
    actQ: ReadonlyMap<string, ActQParams>,
    ranges: readonly Range[],
    cache: PrefixCache,
  ): Promise<Times & { resumedAt: number[] }> {
    applySettings(m, s);
    let plain = 0;
    let layered = 0;
    let cached = 0;
    const resumedAt: number[] = [];
    for (const range of ranges) {
      let t0 = performance.now();
      const want = await evaluate(m.model, d.testX, d.testLabels, {
        ...range,
        ...(actQ.size > 0 ? { predict: (x: tf.Tensor) => forward(m.layers, x, actQ) } : {}),
      });
      plain += performance.now() - t0;
      t0 = performance.now();
      const same = await evaluatePrefixCached(
        m.model,
        m.layers,
        d.testX,
        d.testLabels,
        actQ,
        range,
        noCache,
      );
      layered += performance.now() - t0;
      // The first evaluation after applySettings hashes the new weights.
      if (range === ranges[0]) hashed.push(noCache.last!.fingerprintMs);
      t0 = performance.now();
      const got = await evaluatePrefixCached(
        m.model,
        m.layers,
        d.testX,
        d.testLabels,
        actQ,
        range,
        cache,
      );
      cached += performance.now() - t0;
      resumedAt.push(cache.last!.resumedAt);
      if (
        [got, same].some(
          (r) => r.correct !== want.correct || r.confusion.some((v, i) => v !== want.confusion[i]),
        )
      ) {
        mismatches++;
        console.error(`MISMATCH ${id}: ${JSON.stringify(s.overrides)} ${JSON.stringify(range)}`);
      }
    }
    return { plain, layered, cached, resumedAt };
  }

  // Warm-up: kernels compiled, memory allocated, calibration done.
  await actQuantizers(m, d, acts, {});
  await pair(settings(8), noActs, [{}], new PrefixCache());

  // 1. The sensitivity job, from an empty cache each run.
  const float = Object.fromEntries(names.map((n) => [n, 0]));
  const sensitivityEvals = 1 + names.length * SENSITIVITY_BITS.length;
  const sens: Times[] = [];
  for (let r = 0; r < RUNS; r++) {
    const cache = new PrefixCache();
    const runs = [await pair(settings(8, float), noActs, [{}], cache)];
    for (const layer of names)
      for (const bits of SENSITIVITY_BITS)
        runs.push(await pair(settings(8, { ...float, [layer]: bits }), noActs, [{}], cache));
    sens.push(sum(runs));
  }

  // 2. The last layer's override changed → full accuracy (first 1,000 images, then the rest),
  // weights only and W8A8; the config before the change is in the cache.
  const split = [{ limit: QUICK }, { offset: QUICK }];
  const late = async (actQ: (over: Config['overrides']) => Promise<Map<string, ActQParams>>) => {
    const times: Times[] = [];
    const resumed = new Set<number>();
    const cache = new PrefixCache();
    await pair(settings(8), await actQ({}), split, cache);
    for (let r = 0; r < RUNS; r++) {
      const over = { [last]: 2 + (r % 6) };
      const t = await pair(settings(8, over), await actQ(over), split, cache);
      times.push(t);
      for (const k of t.resumedAt) resumed.add(k);
    }
    return { ...medians(times), resumed: [...resumed] };
  };
  const lateW = await late(() => Promise.resolve(new Map()));
  const lateWA = await late((over) => actQuantizers(m, d, acts, over));

  // 3. A bit sweep: every layer changes at every point, nothing reusable.
  const sweep: Times[] = [];
  const fingerprintNew: number[] = [];
  const fingerprintSame: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const cache = new PrefixCache();
    const runs: Times[] = [];
    for (const bits of SWEEP_BITS) {
      runs.push(await pair(settings(bits), noActs, [{}], cache));
      fingerprintNew.push(hashed[hashed.length - 1]!);
    }
    sweep.push(sum(runs));
    await evaluatePrefixCached(m.model, m.layers, d.testX, d.testLabels, noActs, {}, cache);
    fingerprintSame.push(cache.last!.fingerprintMs);
  }

  const layerNames = m.layers.map((l) => l.name);
  const row = (t: Times) =>
    `uncached ${fmt(t.plain)} (layer by layer without the cache ${fmt(t.layered)}), cached ${fmt(t.cached)}: ${(t.plain / t.cached).toFixed(1)}× (${(t.layered / t.cached).toFixed(1)}×)`;
  console.log(`\n${id} (${count} test images; layers ${layerNames.join(' ')})`);
  console.log(`  sensitivity job (${sensitivityEvals} evaluations): ${row(medians(sens))}`);
  for (const [what, t] of [
    ['weights int8', lateW],
    ['W8A8', lateWA],
  ] as const)
    console.log(
      `  ${last} override changed → full accuracy (${what}, ${QUICK} + ${count - QUICK} images): ${row(t)}; resumed at ${t.resumed.map((k) => layerNames[k]).join(', ')}`,
    );
  const w = medians(sweep);
  console.log(
    `  ${SWEEP_BITS.length}-point bit sweep (nothing to reuse): ${row(w)}; keeping the inputs costs ${(((w.cached - w.layered) / w.layered) * 100).toFixed(1)} %`,
  );
  console.log(
    `  fingerprint of every layer: ${median(fingerprintNew).toFixed(2)} ms after new weights, ${median(fingerprintSame).toFixed(3)} ms for weights already hashed`,
  );
  if (tf.memory().numTensors !== tensorsBefore)
    console.log(`  tensors: ${tensorsBefore} before, ${tf.memory().numTensors} after`);
  m.model.dispose();
  d.testX.dispose();
}

if (mismatches > 0) {
  console.error(`${mismatches} cached results differed from the uncached ones`);
  process.exit(1);
}
console.log('\nEvery cached result equals the uncached one (correct count and confusion matrix).');
