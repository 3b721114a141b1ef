import type { Storage } from '../../../platform/shared/config';
import {
  histogram,
  histogramOfCounts,
  histogramOfSorted,
  sampleStep,
} from '../../../platform/shared/histogram';
import type { Histogram, RowSample } from '../../../platform/shared/histogram';
import type { CompressSettings } from './pipeline';
import { minMaxPerChannel } from '../../quantize';
import { sizeReport, storedLayerSize, sumLayerSizes } from './compress';
import type { SizeReport } from './compress';
import {
  channelRangesOf,
  compressed,
  compressedLayer,
  layerErrorOf,
  layerErrors,
  layerSummary,
} from './compressed';
import type { LayerQuantError, LayerSummary, WeightsSource } from './compressed';
import { Lru } from '../../../platform/shared/lru';
import type { QuantizedTensor, WeightQuantSpec } from '../../quantize';

/** The instant views of the compressed model: histograms, grids, sizes, sparsity, the mask image. */

export interface WeightInspection {
  readonly modelId: string;
  readonly layer: string;
  /** Shared bins of the original and the quantized weights. */
  readonly min: number;
  readonly max: number;
  readonly binWidth: number;
  readonly original: Uint32Array;
  readonly quantized: Uint32Array;
  /**
   * The representable values of the grid (per-tensor only; per-channel grids differ by channel),
   * null for float formats or when there are too many to draw.
   */
  readonly levels: Float32Array | null;
  /** Per channel (length 1 per-tensor): the clip range [(qmin−z)·s, (qmax−z)·s]. */
  readonly clipMin: Float32Array | null;
  readonly clipMax: Float32Array | null;
  /** Per channel: the observed weight range, for the per-channel chart. */
  readonly channelMin: Float32Array | null;
  readonly channelMax: Float32Array | null;
  readonly scale: Float32Array | null;
  readonly zeroPoint: Int32Array | null;
  readonly qmin: number | null;
  readonly qmax: number | null;
  /** Error stats of this layer (all layers' come from `allLayerErrors`). */
  readonly error: LayerQuantError;
  /** How the kept weights are represented: a quantizer kind, or k-means shared values. */
  readonly kind: WeightQuantSpec['kind'] | 'cluster';
  /** Shared values of a clustered layer (k' ≤ k: empty clusters are dropped), else null. */
  readonly centroids: number | null;
  /** Ternary: kept weights below the threshold, set to 0; else null. */
  readonly zeroed: number | null;
  /**
   * 1 when both histograms count every weight; N when they count a 1-in-N sample of the kernel's
   * rows (layers above 2^20 weights, see platform/shared/histogram.ts, so that a slider step of a
   * 4 M-parameter model stays instant), unless the layer is summarized (a uniform grid with
   * nearest rounding and no pruning: compressed.ts, `layerSummary`), which counts every weight
   * at once. The other figures (error, levels, ranges) always use every weight.
   */
  readonly sampleStep: number;
  /** Weights in the layer's kernel (the histograms count them all when `sampleStep` is 1). */
  readonly weights: number;
}

const MAX_DRAWN_LEVELS = 256;

/**
 * The representable values of a per-tensor grid, to draw; null per channel (grids differ by
 * channel) or above {@link MAX_DRAWN_LEVELS}. Binary codes are ±1 with α as scale: no 0 level.
 */
function gridLevels(
  t: Pick<QuantizedTensor, 'scale' | 'zeroPoint' | 'qmin' | 'qmax'>,
  binary: boolean,
): Float32Array | null {
  if (t.scale.length !== 1 || t.qmax - t.qmin + 1 > MAX_DRAWN_LEVELS) return null;
  const s = t.scale[0]!;
  const z = t.zeroPoint[0]!;
  return binary
    ? Float32Array.from([-s, s])
    : new Float32Array(t.qmax - t.qmin + 1).map((_, i) => (t.qmin + i - z) * s);
}

/** The error stats of every layer (SQNR, MSE, levels), in model order. */
export interface LayerErrors {
  readonly modelId: string;
  readonly errors: LayerQuantError[];
}

export function allLayerErrors(m: WeightsSource, settings: CompressSettings): LayerErrors {
  return { modelId: m.meta.id, errors: layerErrors(m, settings) };
}

function minMax(x: Float32Array): { min: number; max: number } {
  const r = minMaxPerChannel(x, 1);
  return { min: r.min[0]!, max: r.max[0]! };
}

/*
 * The trained weights never change: their range, and their histogram over the last few ranges
 * asked for, are kept per kernel rather than recomputed at every slider step.
 */
const originalHistograms = new WeakMap<Float32Array, Lru<Histogram>>();

function rangeOf(kernel: Float32Array): { min: number; max: number } {
  const r = channelRangesOf(kernel, 1);
  return { min: r.min[0]!, max: r.max[0]! };
}

function originalHistogram(
  kernel: Float32Array,
  bins: number,
  range: { min: number; max: number },
  sample: RowSample | undefined,
): Histogram {
  let cache = originalHistograms.get(kernel);
  if (!cache) {
    cache = new Lru<Histogram>(8);
    originalHistograms.set(kernel, cache);
  }
  const key = `${bins}|${range.min}|${range.max}|${sample?.rowStep ?? 1}`;
  let h = cache.get(key);
  if (!h) {
    h = histogram(kernel, { bins, range, ...(sample ? { sample } : {}) });
    cache.set(key, h);
  }
  return h;
}

export function inspectWeights(
  m: WeightsSource,
  settings: CompressSettings,
  layer: string,
  bins: number,
): WeightInspection {
  const index = m.original.findIndex((l) => l.info.name === layer);
  const w = m.original[index];
  if (!w) throw new Error(`Model ${m.meta.id} has no layer "${layer}".`);
  // A layer of millions of weights on a uniform grid: from its summary, every weight counted.
  const sum = layerSummary(m, settings, index);
  if (sum) return summarizedInspection(m, settings, index, sum, bins);
  // Only this layer is compressed when layers are independent (no pruning).
  const q = compressedLayer(m, settings, index);
  // The same bins for both, over both ranges (a level may sit just beyond the trained range),
  // and, per tensor, over the whole grid: a symmetric grid's unused end levels are worth seeing.
  const t = q.tensor;
  const range = rangeOf(w.kernel);
  if (t && t.clipMin.length === 1 && q.spec.kind === 'uniform') {
    range.min = Math.min(range.min, t.clipMin[0]!);
    range.max = Math.max(range.max, t.clipMax[0]!);
  }
  // A large layer's histograms bin the same 1-in-N sample of whole rows (every channel in it).
  const step = sampleStep(w.kernel.length, w.info.outChannels);
  const sample = step > 1 ? { rowLength: w.info.outChannels, rowStep: step } : undefined;
  const opts = sample ? { sample } : {};
  let h1 = histogram(q.values, { bins, range, ...opts });
  if (h1.outside > 0) {
    // Rare (an affine grid's rounded end level): widen to the compressed values too.
    const b = minMax(q.values);
    range.min = Math.min(range.min, b.min);
    range.max = Math.max(range.max, b.max);
    h1 = histogram(q.values, { bins, range, ...opts });
  }
  const h0 = originalHistogram(w.kernel, bins, range, sample);
  const binary = q.spec.kind === 'binary';
  let levels: Float32Array | null = null;
  let channelMin: Float32Array | null = null;
  let channelMax: Float32Array | null = null;
  if (t) {
    levels = gridLevels(t, binary);
    ({ min: channelMin, max: channelMax } = channelRangesOf(w.kernel, t.scale.length));
  }
  // Weight sharing: the levels are the centroids (and 0 for pruned weights).
  if (q.cluster)
    levels = Float32Array.from(q.mask ? [0, ...q.cluster.centroids] : q.cluster.centroids).sort();
  return {
    modelId: m.meta.id,
    layer,
    min: h0.min,
    max: h0.max,
    binWidth: h0.binWidth,
    original: h0.counts.slice(), // the cached histogram stays here; the copy is transferred
    quantized: h1.counts,
    levels,
    clipMin: t ? t.clipMin : null,
    clipMax: t ? t.clipMax : null,
    channelMin,
    channelMax,
    scale: t ? t.scale : null,
    zeroPoint: t ? t.zeroPoint : null,
    qmin: t ? t.qmin : null,
    qmax: t ? t.qmax : null,
    error: layerErrorOf(m, settings, index),
    kind: q.cluster ? 'cluster' : q.spec.kind,
    centroids: q.cluster ? q.cluster.centroids.length : null,
    zeroed: t && q.spec.kind === 'ternary' ? countZeroCodes(t.codes, q.mask) : null,
    sampleStep: step,
    weights: w.kernel.length,
  };
}

/**
 * {@link inspectWeights} of a summarized layer (compressed.ts, `layerSummary`): the same figures,
 * the histograms counting every weight (a code's run of weights all take its level), so no
 * sample is needed.
 */
function summarizedInspection(
  m: WeightsSource,
  settings: CompressSettings,
  index: number,
  sum: LayerSummary,
  bins: number,
): WeightInspection {
  const w = m.original[index]!;
  const t = sum.grid.tensor;
  const { runValues, runCounts } = sum.summary;
  const range = rangeOf(w.kernel);
  if (t.clipMin.length === 1) {
    range.min = Math.min(range.min, t.clipMin[0]!);
    range.max = Math.max(range.max, t.clipMax[0]!);
  }
  let h1 = histogramOfCounts(runValues, runCounts, bins, range);
  if (h1.outside > 0) {
    const b = minMax(runValues);
    range.min = Math.min(range.min, b.min);
    range.max = Math.max(range.max, b.max);
    h1 = histogramOfCounts(runValues, runCounts, bins, range);
  }
  // Per tensor the kernel is sorted whole: its histogram by bisection, in microseconds.
  const h0 =
    sum.sorted.channels === 1
      ? histogramOfSorted(sum.sorted.sorted, bins, range)
      : originalHistogram(w.kernel, bins, range, undefined);
  const levels = gridLevels(t, false);
  const { min: channelMin, max: channelMax } = channelRangesOf(w.kernel, t.scale.length);
  return {
    modelId: m.meta.id,
    layer: w.info.name,
    min: h0.min,
    max: h0.max,
    binWidth: h0.binWidth,
    original: h0.counts.slice(),
    quantized: h1.counts,
    levels,
    clipMin: t.clipMin,
    clipMax: t.clipMax,
    channelMin,
    channelMax,
    scale: t.scale,
    zeroPoint: t.zeroPoint,
    qmin: t.qmin,
    qmax: t.qmax,
    error: layerErrorOf(m, settings, index),
    kind: 'uniform',
    centroids: null,
    zeroed: null,
    sampleStep: 1,
    weights: w.kernel.length,
  };
}

function countZeroCodes(codes: Int32Array, mask: Uint8Array | null): number {
  let n = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i] === 0 && (!mask || mask[i] !== 0)) n++;
  return n;
}

export interface LayerSparsity {
  readonly name: string;
  readonly total: number;
  /** Weights really gone: `ownPruned + inputPruned`. */
  readonly pruned: number;
  /** pruned / total. */
  readonly sparsity: number;
  /** Removed by the method in this layer itself (structured: its own removed units' weights). */
  readonly ownPruned: number;
  /** Structured, biases removed: removed because their input unit was removed upstream. */
  readonly inputPruned: number;
  /** Structured, biases kept: removed units that still output the constant act(bias). */
  readonly constantUnits: number;
  readonly targetSparsity: number;
  /** No pruning of its own (its inputs may still be cut by structured pruning upstream). */
  readonly skipped: boolean;
  /** Kernel shape once structurally pruned units (and their inputs downstream) are removed. */
  readonly effectiveShape: readonly number[] | null;
}

export interface CompressionReport {
  readonly modelId: string;
  readonly size: SizeReport;
  readonly layers: LayerSparsity[];
  /** Removed fraction over all kernels, cut inputs included (0 without pruning). */
  readonly sparsity: number;
  readonly pruned: number;
  readonly total: number;
}

export function compressionReport(
  m: WeightsSource,
  settings: CompressSettings,
  storage: Storage,
): CompressionReport {
  // Without pruning, sized layer by layer: a summarized layer needs only its code counts.
  if (m.original.some((_, i) => layerSummary(m, settings, i) !== null)) {
    return {
      modelId: m.meta.id,
      size: sumLayerSizes(
        m.original.map((w, i) => {
          const sum = layerSummary(m, settings, i);
          if (!sum) return storedLayerSize(w, compressedLayer(m, settings, i), storage);
          const t = sum.grid.tensor;
          return storedLayerSize(
            w,
            {
              mask: null,
              biasMask: null,
              spec: sum.spec,
              cluster: null,
              tensor: {
                scale: t.scale,
                zeroPoint: t.zeroPoint,
                qmin: t.qmin,
                codeHistogram: sum.summary.codeCounts,
              },
            },
            storage,
          );
        }),
      ),
      layers: m.original.map((w) => unprunedSparsity(w.info.name, w.kernel.length)),
      sparsity: 0,
      pruned: 0,
      total: m.original.reduce((a, w) => a + w.kernel.length, 0),
    };
  }
  const c = compressed(m, settings);
  const layers = m.original.map((w, i): LayerSparsity => {
    const p = c.prune?.layers[i];
    return {
      name: w.info.name,
      total: w.kernel.length,
      pruned: p?.pruned ?? 0,
      sparsity: p?.sparsity ?? 0,
      ownPruned: p?.ownPruned ?? 0,
      inputPruned: p?.inputPruned ?? 0,
      constantUnits: p?.constantUnits ?? 0,
      targetSparsity: p?.targetSparsity ?? 0,
      skipped: p?.skipped ?? true,
      effectiveShape: c.prune?.effectiveShapes?.[i] ?? null,
    };
  });
  return {
    modelId: m.meta.id,
    size: sizeReport(m.original, c, storage),
    layers,
    sparsity: c.prune?.sparsity ?? 0,
    pruned: c.prune?.pruned ?? 0,
    total: m.original.reduce((a, w) => a + w.kernel.length, 0),
  };
}

/** A layer's sparsity figures when nothing is pruned (as compressionReport gives them then). */
function unprunedSparsity(name: string, total: number): LayerSparsity {
  return {
    name,
    total,
    pruned: 0,
    sparsity: 0,
    ownPruned: 0,
    inputPruned: 0,
    constantUnits: 0,
    targetSparsity: 0,
    skipped: true,
    effectiveShape: null,
  };
}

export interface MaskImage {
  readonly modelId: string;
  readonly layer: string;
  /** One pixel per weight: columns = output units/filters, rows = the reduction axis. */
  readonly width: number;
  readonly height: number;
  /** RGBA, row-major, ready for ImageData. */
  readonly pixels: Uint8ClampedArray;
  readonly kept: number;
  readonly total: number;
}

/**
 * Kernels are stored [reduction…, out] with out fastest, so element i sits at row ⌊i/out⌋ and
 * column i mod out: the image is the kernel as stored. Kept weights are blue (positive) or orange
 * (negative), darker when larger; pruned weights are pale grey, so whole pruned columns (dead
 * units) and the 2:4 pattern along each column show at a glance. The mask is the compressed
 * layer's: after structured pruning that removed the units' biases, the rows reading a removed
 * unit upstream are grey too, and `kept` counts what really remains.
 */
export function maskImage(m: WeightsSource, settings: CompressSettings, layer: string): MaskImage {
  const index = m.original.findIndex((l) => l.info.name === layer);
  const w = m.original[index];
  if (!w) throw new Error(`Model ${m.meta.id} has no layer "${layer}".`);
  const c = compressed(m, settings).layers[index]!;
  const width = w.info.outChannels;
  const height = w.kernel.length / width;
  const pixels = new Uint8ClampedArray(w.kernel.length * 4);
  let maxAbs = 0;
  for (const v of w.kernel) maxAbs = Math.max(maxAbs, Math.abs(v));
  let kept = 0;
  for (let i = 0; i < w.kernel.length; i++) {
    const o = i * 4;
    if (c.mask && c.mask[i] === 0) {
      pixels[o] = 236;
      pixels[o + 1] = 238;
      pixels[o + 2] = 242;
    } else {
      kept++;
      const v = w.kernel[i]!;
      // √ spreads the many small weights over more shades.
      const t = maxAbs > 0 ? Math.sqrt(Math.abs(v) / maxAbs) : 0;
      const shade = 0.25 + 0.75 * t;
      if (v >= 0) {
        pixels[o] = 255 - shade * (255 - 38);
        pixels[o + 1] = 255 - shade * (255 - 84);
        pixels[o + 2] = 255 - shade * (255 - 196);
      } else {
        pixels[o] = 255 - shade * (255 - 214);
        pixels[o + 1] = 255 - shade * (255 - 92);
        pixels[o + 2] = 255 - shade * (255 - 0);
      }
    }
    pixels[o + 3] = 255;
  }
  return { modelId: m.meta.id, layer, width, height, pixels, kept, total: w.kernel.length };
}
