import { compressKey } from './pipeline';
import type { CompressSettings } from './pipeline';
import {
  distinctLevels,
  errorStats,
  sortChannels,
  uniformGrid,
  uniformSummary,
} from '../../quantize';
import type {
  QuantErrorStats,
  SortedChannels,
  UniformGrid,
  UniformSummary,
  WeightQuantSpec,
} from '../../quantize';
import { layerSpec } from './quantPlan';
import { compressModel } from './compress';
import { channelRangesOf, memoPerKernel } from './kernelMemo';
import type { CompressedLayer, CompressedModel } from './compress';
import type { LayerWeights } from '../../model';
import { Lru } from '../../../platform/shared/lru';
import { applyMask } from '../../prune';

/**
 * What the compression views need of a model: its id and its trained weights. The tfjs worker's
 * loaded models have this shape, and so do the stats worker's, which read weights.bin without
 * tfjs.
 */
export interface WeightsSource {
  readonly meta: { readonly id: string };
  readonly original: readonly LayerWeights[];
}

/** Bytes a compressed layer holds: its values, codes, mask and cluster assignments. */
function layerBytes(l: CompressedLayer): number {
  return (
    l.values.byteLength +
    (l.tensor?.codes.byteLength ?? 0) +
    (l.mask?.byteLength ?? 0) +
    (l.cluster?.assignments.byteLength ?? 0)
  );
}

/**
 * Kept compressed models: the last 24 settings, within 128 MB (the two newest always kept). A
 * shipped model's entry is ~2 MB; a 16 M-parameter model's is 128 MB, and 24 of them would not fit
 * in a worker's memory.
 */
const compressCache = new Lru<CompressedModel>(24, {
  weigh: (c) => c.layers.reduce((a, l) => a + layerBytes(l), 0),
  maxWeight: 128e6,
  keep: 2,
});
/** Layers compressed one by one (no pruning: layers are independent), before a whole model is. */
const layerCache = new Lru<(CompressedLayer | undefined)[]>(24, {
  weigh: (ls) => ls.reduce((a, l) => a + (l ? layerBytes(l) : 0), 0),
  maxWeight: 128e6,
  keep: 2,
});

/** The model's compressed layers under `settings`, computed once per (model, settings). */
export function compressed(m: WeightsSource, settings: CompressSettings): CompressedModel {
  const key = `${m.meta.id}|${compressKey(settings)}`;
  let c = compressCache.get(key);
  if (!c) {
    const some = layerCache.get(key);
    c =
      some && independentLayers(settings)
        ? {
            layers: m.original.map(
              (_, i) => some[i] ?? compressModel([m.original[i]!], settings).layers[0]!,
            ),
            prune: null,
          }
        : compressModel(m.original, settings);
    compressCache.set(key, c);
  }
  return c;
}

/**
 * The kernels and biases a model runs with under `settings`, by layer name: every layer's
 * compressed kernel, and the biases that structured pruning masks (the others stay the trained
 * ones). What the tfjs worker loads into the model's variables (compress/worker/apply.ts) and the
 * kernel pass runs (platform/worker/earlyEngine.ts).
 */
export function compressedWeights(
  m: WeightsSource,
  settings: CompressSettings,
): { kernels: Map<string, Float32Array>; biases: Map<string, Float32Array> } {
  const c = compressed(m, settings);
  const kernels = new Map(c.layers.map((l) => [l.name, l.values]));
  const biases = new Map<string, Float32Array>();
  for (const [i, l] of c.layers.entries()) {
    const bias = m.original[i]?.bias;
    if (l.biasMask && bias) biases.set(l.name, applyMask(bias, l.biasMask));
  }
  return { kernels, biases };
}

/** Without pruning each layer is compressed on its own (pruning may rank weights across layers). */
function independentLayers(settings: CompressSettings): boolean {
  return settings.prune.method === 'none';
}

/**
 * Layer `index` of `compressed(m, settings)`, computing only that layer when the layers are
 * independent: the instant views of one layer of a large model (a 4 M-parameter MLP's largest
 * layer is 60 % of it) need not wait for the others.
 */
export function compressedLayer(
  m: WeightsSource,
  settings: CompressSettings,
  index: number,
): CompressedLayer {
  const key = `${m.meta.id}|${compressKey(settings)}`;
  const whole = compressCache.get(key);
  if (whole) return whole.layers[index]!;
  if (!independentLayers(settings)) return compressed(m, settings).layers[index]!;
  const w = m.original[index];
  if (!w) throw new Error(`Model ${m.meta.id} has no layer ${index}.`);
  let some = layerCache.get(key);
  if (!some) some = [];
  const l = (some[index] ??= compressModel([w], settings).layers[0]!);
  layerCache.set(key, some); // again: its weight grew
  return l;
}

export interface LayerQuantError extends Omit<QuantErrorStats, 'levels'> {
  readonly name: string;
  /** Distinct values of the compressed kernel; null for float formats (no grid to count). */
  readonly levels: number | null;
}

/** The error stats of layer `index` of `m`, compressed as `l`. */
function layerError(m: WeightsSource, l: CompressedLayer, index: number): LayerQuantError {
  const w = m.original[index]!;
  const t = l.tensor;
  // A weight is clipped when the clamp to [qmin, qmax] changed its code, i.e. it lies more than
  // half a step outside the grid's end points (closer ones round to the end code anyway).
  // Binary and ternary saturate by design: no clip count for them.
  const clip =
    t && l.spec.kind === 'uniform'
      ? {
          clipMin: t.clipMin.map((v, ch) => v - t.scale[ch]! / 2),
          clipMax: t.clipMax.map((v, ch) => v + t.scale[ch]! / 2),
        }
      : undefined;
  return { name: w.info.name, ...errorStats(w.kernel, l.values, clip), levels: levelsUsed(l) };
}

const errorCache = new WeakMap<CompressedLayer, LayerQuantError>();

/** The error stats of one layer under `settings`, computed once per compressed layer. */
export function layerErrorOf(
  m: WeightsSource,
  settings: CompressSettings,
  index: number,
): LayerQuantError {
  const sum = layerSummary(m, settings, index);
  if (sum) {
    return {
      name: m.original[index]!.info.name,
      ...sum.summary.error,
      levels: sum.summary.levels,
    };
  }
  const l = compressedLayer(m, settings, index);
  let e = errorCache.get(l);
  if (!e) {
    e = layerError(m, l, index);
    errorCache.set(l, e);
  }
  return e;
}

export function layerErrors(m: WeightsSource, settings: CompressSettings): LayerQuantError[] {
  return m.original.map((_, i) => layerErrorOf(m, settings, i));
}

/**
 * Distinct values of a compressed kernel, from its codes where that is exact (a Set over 235k
 * floats cost ~20 ms of every slider step): a code of a channel stands for one value, and
 * clustered weights take their centroids' values (plus 0 where pruned). Float formats have no
 * grid to count: null.
 */
function levelsUsed(l: CompressedModel['layers'][number]): number | null {
  const t = l.tensor;
  const channels = t ? t.scale.length : 0;
  const span = t ? t.qmax - t.qmin + 1 : 0;
  if (t && (channels === 1 || channels * span <= t.codes.length)) {
    // One example position per (channel, code) pair used by a kept weight (pruned weights are
    // exactly 0), then the distinct values among those examples: at most channels × levels
    // values, where every weight's value would be hashed otherwise.
    const example = new Int32Array(channels * span).fill(-1);
    const { codes, qmin } = t;
    const mask = l.mask;
    let pruned = false;
    if (mask) {
      for (let i = 0, c = 0; i < codes.length; i++, c = c + 1 === channels ? 0 : c + 1) {
        if (mask[i] === 0) pruned = true;
        else example[c * span + codes[i]! - qmin] = i;
      }
    } else if (channels === 1) {
      // Per tensor without a mask (the common case): one store per weight.
      for (let i = 0; i < codes.length; i++) example[codes[i]! - qmin] = i;
    } else {
      for (let i = 0, c = 0; i < codes.length; i++, c = c + 1 === channels ? 0 : c + 1)
        example[c * span + codes[i]! - qmin] = i;
    }
    const kept: number[] = [];
    for (const i of example) if (i >= 0) kept.push(l.values[i]!);
    if (pruned) kept.push(0);
    return distinctLevels(Float32Array.from(kept));
  }
  if (l.cluster) {
    let n = 0;
    for (const c of l.cluster.counts) if (c > 0) n++;
    return n + (l.mask ? 1 : 0);
  }
  if (t) return distinctLevels(l.values);
  return null;
}

/* ------------------------- large layers, summarized ------------------------- */

/**
 * A uniformly quantized layer's figures without its quantized values (quantize/shared/summary.ts):
 * the instant views use this at every slider step instead of quantizing, checking and counting
 * every weight. A 4 M-parameter model's two large layers took ~100 ms a step, the summary a few
 * ms; the shipped MNIST MLP's (266,610 weights) took 12–26 ms a step in Node 20, from summaries
 * 0.6–3.2 ms once each kernel is sorted (at the first view). The figures are the exact pass's: the
 * same histograms, levels, clipped count, largest error and sizes, and the squared error summed
 * in another order (largeModels.test.ts checks each against the exact pass, on the shipped
 * models too).
 */
export interface LayerSummary {
  /** The trained kernel, sorted per channel. */
  readonly sorted: SortedChannels;
  readonly spec: Extract<WeightQuantSpec, { kind: 'uniform' }>;
  readonly grid: UniformGrid;
  readonly summary: UniformSummary;
}

export { channelRangesOf, memoPerKernel };

/** A trained kernel sorted per channel. */
const sortedKernel = memoPerKernel(sortChannels);

const summaryCache = new Lru<LayerSummary>(48, {
  weigh: (l) => l.summary.runValues.byteLength + l.summary.runCounts.byteLength,
  maxWeight: 64e6,
  keep: 4,
});

/**
 * The summary of layer `index` under `settings`, or null where the exact pass applies: pruning
 * (masks), a format other than a uniform grid, stochastic rounding, or a kernel holding NaN.
 */
export function layerSummary(
  m: WeightsSource,
  settings: CompressSettings,
  index: number,
): LayerSummary | null {
  const w = m.original[index];
  if (!w || !independentLayers(settings)) return null;
  const spec = layerSpec(settings, w.info.name);
  if (spec.kind !== 'uniform' || spec.rounding === 'stochastic') return null;
  const channels = spec.perChannel ? w.info.outChannels : 1;
  if (!(channels >= 1) || w.kernel.length % channels !== 0) return null;
  const key = `${m.meta.id}|${compressKey(settings)}|${index}`;
  const hit = summaryCache.get(key);
  if (hit) return hit;
  const sorted = sortedKernel(w.kernel, channels);
  if (sorted.hasNaN) return null;
  const grid = uniformGrid(channelRangesOf(w.kernel, channels), w.info.kernelShape, spec);
  // The clip thresholds of layerError: half a step beyond the grid's ends, in float32.
  const t = grid.tensor;
  const lo = t.clipMin.map((v, ch) => v - t.scale[ch]! / 2);
  const hi = t.clipMax.map((v, ch) => v + t.scale[ch]! / 2);
  const l: LayerSummary = {
    sorted,
    spec,
    grid,
    summary: uniformSummary(sorted, grid.qparams, lo, hi),
  };
  summaryCache.set(key, l);
  return l;
}
