import type { ActQuant, Config, Storage } from '../core/config';
import { histogram } from '../core/histogram';
import { tensorStats } from '../core/stats';
import { compressKey } from '../core/plan/pipeline';
import type { CompressSettings } from '../core/plan/pipeline';
import { applyMask } from '../core/prune/mask';
import { createObserver } from '../core/quant/calibration';
import type { ObserverConfig, Range } from '../core/quant/calibration';
import { computeQParams } from '../core/quant/qparams';
import { quantErrorStats } from '../core/quant/sqnr';
import type { QuantErrorStats } from '../core/quant/sqnr';
import { collectLayerInputs } from '../model/forward';
import type { ActQParams } from '../model/forward';
import { imagesToTensor } from '../model/preprocess';
import type { LoadedDataset, LoadedModel } from './assets';
import { compressModel, sizeReport } from './compress';
import type { CompressedModel, SizeReport } from './compress';
import { applyKernels, getTrain } from './assets';

/** A small LRU map: sweeps touch a dozen settings; older ones are recomputed if needed. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }
}

const compressCache = new Lru<CompressedModel>(24);

/** The model's compressed layers under `settings`, computed once per (model, settings). */
export function compressed(m: LoadedModel, settings: CompressSettings): CompressedModel {
  const key = `${m.meta.id}|${compressKey(settings)}`;
  let c = compressCache.get(key);
  if (!c) {
    c = compressModel(m.original, settings);
    compressCache.set(key, c);
  }
  return c;
}

/** Loads the compressed weights into the model (or the original ones for `null`). */
export function applySettings(m: LoadedModel, settings: CompressSettings | null): void {
  if (!settings) {
    applyKernels(m, '', null, null);
    return;
  }
  const c = compressed(m, settings);
  const kernels = new Map(c.layers.map((l) => [l.name, l.values]));
  const biases = new Map<string, Float32Array>();
  for (const [i, l] of c.layers.entries()) {
    const bias = m.original[i]?.bias;
    if (l.biasMask && bias) biases.set(l.name, applyMask(bias, l.biasMask));
  }
  applyKernels(m, compressKey(settings), kernels, biases);
}

export interface LayerQuantError extends QuantErrorStats {
  readonly name: string;
}

export function layerErrors(m: LoadedModel, settings: CompressSettings): LayerQuantError[] {
  const c = compressed(m, settings);
  return m.original.map((w, i) => {
    const l = c.layers[i]!;
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
    return { name: w.info.name, ...quantErrorStats(w.kernel, l.values, clip) };
  });
}

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
  readonly errors: LayerQuantError[];
}

const MAX_DRAWN_LEVELS = 256;

export function inspectWeights(m: LoadedModel, settings: CompressSettings, layer: string, bins: number): WeightInspection {
  const index = m.original.findIndex((l) => l.info.name === layer);
  const w = m.original[index];
  if (!w) throw new Error(`Model ${m.meta.id} has no layer "${layer}".`);
  const q = compressed(m, settings).layers[index]!;
  // The same bins for both, over both ranges (a level may sit just beyond the trained range):
  // the quantized histogram snaps onto the grid inside them.
  const a = tensorStats(w.kernel);
  const b = tensorStats(q.values);
  const range = { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
  const h0 = histogram(w.kernel, { bins, range });
  const h1 = histogram(q.values, { bins, range });
  const t = q.tensor;
  const binary = q.spec.kind === 'binary';
  let levels: Float32Array | null = null;
  let channelMin: Float32Array | null = null;
  let channelMax: Float32Array | null = null;
  if (t) {
    const channels = t.scale.length;
    if (channels === 1 && t.qmax - t.qmin + 1 <= MAX_DRAWN_LEVELS) {
      const s = t.scale[0]!;
      const z = t.zeroPoint[0]!;
      // Binary codes are ±1 with α as scale: no 0 level.
      levels = binary
        ? Float32Array.from([-s, s])
        : new Float32Array(t.qmax - t.qmin + 1).map((_, i) => (t.qmin + i - z) * s);
    }
    channelMin = new Float32Array(channels).fill(Infinity);
    channelMax = new Float32Array(channels).fill(-Infinity);
    for (let i = 0; i < w.kernel.length; i++) {
      const c = i % channels;
      const v = w.kernel[i]!;
      if (v < channelMin[c]!) channelMin[c] = v;
      if (v > channelMax[c]!) channelMax[c] = v;
    }
  }
  // Weight sharing: the levels are the centroids (and 0 for pruned weights).
  if (q.cluster) levels = Float32Array.from(q.mask ? [0, ...q.cluster.centroids] : q.cluster.centroids).sort();
  return {
    modelId: m.meta.id,
    layer,
    min: h0.min,
    max: h0.max,
    binWidth: h0.binWidth,
    original: h0.counts,
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
    errors: layerErrors(m, settings),
  };
}

/* ------------------------------ pruning views ----------------------------- */

export interface LayerSparsity {
  readonly name: string;
  readonly total: number;
  readonly pruned: number;
  readonly sparsity: number;
  readonly targetSparsity: number;
  readonly skipped: boolean;
  /** Kernel shape once structurally pruned units (and their inputs downstream) are removed. */
  readonly effectiveShape: readonly number[] | null;
}

export interface CompressionReport {
  readonly modelId: string;
  readonly size: SizeReport;
  readonly layers: LayerSparsity[];
  /** Pruned fraction over all kernels (0 without pruning). */
  readonly sparsity: number;
}

export function compressionReport(m: LoadedModel, settings: CompressSettings, storage: Storage): CompressionReport {
  const c = compressed(m, settings);
  const layers = m.original.map((w, i): LayerSparsity => {
    const p = c.prune?.layers[i];
    return {
      name: w.info.name,
      total: w.kernel.length,
      pruned: p?.pruned ?? 0,
      sparsity: p?.sparsity ?? 0,
      targetSparsity: p?.targetSparsity ?? 0,
      skipped: p?.skipped ?? true,
      effectiveShape: c.prune?.effectiveShapes?.[i] ?? null,
    };
  });
  return { modelId: m.meta.id, size: sizeReport(m.original, c, storage), layers, sparsity: c.prune?.sparsity ?? 0 };
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
 * units) and the 2:4 pattern along each column show at a glance.
 */
export function maskImage(m: LoadedModel, settings: CompressSettings, layer: string): MaskImage {
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

/* ------------------------------ activations ------------------------------ */

export interface LayerCalibration {
  readonly observed: Range;
  /** The range the observer chose (the clip range before the grid is fitted). */
  readonly chosen: Range;
  readonly qparams: ActQParams;
  /** All values the layer saw during calibration, for its histogram. */
  readonly samples: Float32Array;
}

function observerConfig(acts: ActQuant): ObserverConfig {
  switch (acts.observer) {
    case 'minmax':
      return { kind: 'minmax' };
    case 'movingAverageMinMax':
      return { kind: 'movingAverageMinMax' };
    case 'percentile':
      return { kind: 'percentile', percentile: acts.percentile, mode: acts.scheme === 'symmetric' ? 'abs' : 'tails' };
    case 'mse':
      return { kind: 'mse', bits: acts.bits, scheme: acts.scheme };
  }
}

/** Images per calibration batch: moving-average observers update once per batch, as in torch. */
const CALIBRATION_BATCH = 32;

const calibrationCache = new Lru<Promise<Map<string, LayerCalibration>>>(8);

export function calibrationKey(m: LoadedModel, acts: ActQuant): string {
  return `${m.meta.id}|${acts.bits}|${acts.scheme}|${acts.observer}|${acts.percentile}|${acts.calibration}`;
}

/**
 * Post-training calibration, as torch.ao's `prepare` → run → `convert`: the float model runs on
 * the first `acts.calibration` training images; an observer per weighted layer watches that
 * layer's input; its range gives the activation's scale and zero-point.
 */
export function calibrate(m: LoadedModel, d: LoadedDataset, acts: ActQuant): Promise<Map<string, LayerCalibration>> {
  const key = calibrationKey(m, acts);
  let p = calibrationCache.get(key);
  if (!p) {
    p = runCalibration(m, d, acts);
    p.catch(() => undefined);
    calibrationCache.set(key, p);
  }
  return p;
}

async function runCalibration(m: LoadedModel, d: LoadedDataset, acts: ActQuant): Promise<Map<string, LayerCalibration>> {
  const bits = Math.max(2, acts.bits);
  const train = await getTrain(d);
  const [h, w, c] = d.meta.imageShape;
  const count = Math.min(acts.calibration, train.labels.length);
  const x = imagesToTensor(train.x.subarray(0, count * h * w * c), count, d.meta.imageShape);
  applyKernels(m, '', null, null); // observe the float model
  const names = new Set(m.original.map((l) => l.info.name));
  let inputs: Map<string, Float32Array[]>;
  try {
    inputs = await collectLayerInputs(m.layers, x, names, CALIBRATION_BATCH);
  } finally {
    x.dispose();
  }
  const out = new Map<string, LayerCalibration>();
  for (const [name, batches] of inputs) {
    const observer = createObserver(observerConfig({ ...acts, bits }));
    let lo = Infinity;
    let hi = -Infinity;
    let total = 0;
    for (const b of batches) {
      observer.observe(b);
      total += b.length;
      for (const v of b) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const samples = new Float32Array(total);
    let offset = 0;
    for (const b of batches) {
      samples.set(b, offset);
      offset += b.length;
    }
    const chosen = observer.range();
    const qp = computeQParams(chosen.min, chosen.max, bits, acts.scheme);
    out.set(name, { observed: { min: lo, max: hi }, chosen, qparams: qp, samples });
  }
  return out;
}

/** The activation quantizers for a config: every weighted layer not overridden to float. */
export async function actQuantizers(
  m: LoadedModel,
  d: LoadedDataset,
  acts: ActQuant,
  overrides: Config['overrides'],
): Promise<Map<string, ActQParams>> {
  if (acts.bits === 0) return new Map();
  const cal = await calibrate(m, d, acts);
  const out = new Map<string, ActQParams>();
  for (const [name, c] of cal) if (overrides[name] !== 0) out.set(name, c.qparams);
  return out;
}

export interface ActInspection {
  readonly modelId: string;
  readonly layer: string;
  readonly min: number;
  readonly max: number;
  readonly binWidth: number;
  readonly counts: Uint32Array;
  readonly observed: Range;
  readonly chosen: Range;
  /** Clip range of the integer grid: [(qmin − z)·s, (qmax − z)·s]. */
  readonly clip: Range;
  readonly scale: number;
  readonly zeroPoint: number;
  /** Fraction of calibration values outside the clip range. */
  readonly clippedFraction: number;
  readonly count: number;
}

export async function inspectActivations(
  m: LoadedModel,
  d: LoadedDataset,
  acts: ActQuant,
  layer: string,
  bins: number,
): Promise<ActInspection> {
  const cal = (await calibrate(m, d, { ...acts, bits: Math.max(2, acts.bits) })).get(layer);
  if (!cal) throw new Error(`No calibration data for layer "${layer}".`);
  const { scale, zeroPoint, qmin, qmax } = cal.qparams;
  const clip = { min: (qmin - zeroPoint) * scale, max: (qmax - zeroPoint) * scale };
  const h = histogram(cal.samples, { bins });
  let clipped = 0;
  for (const v of cal.samples) if (v < clip.min || v > clip.max) clipped++;
  return {
    modelId: m.meta.id,
    layer,
    min: h.min,
    max: h.max,
    binWidth: h.binWidth,
    counts: h.counts,
    observed: cal.observed,
    chosen: cal.chosen,
    clip,
    scale,
    zeroPoint,
    clippedFraction: cal.samples.length > 0 ? clipped / cal.samples.length : 0,
    count: cal.samples.length,
  };
}

