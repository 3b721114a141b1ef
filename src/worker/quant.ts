import type { ActQuant, Config } from '../core/config';
import { histogram } from '../core/histogram';
import { tensorStats } from '../core/stats';
import { layerSpec, weightQuantKey } from '../core/plan/quantPlan';
import { createObserver } from '../core/quant/calibration';
import type { ObserverConfig, Range } from '../core/quant/calibration';
import { computeQParams } from '../core/quant/qparams';
import { quantErrorStats } from '../core/quant/sqnr';
import type { QuantErrorStats } from '../core/quant/sqnr';
import { quantizeWeights } from '../core/quant/weights';
import type { QuantizedWeights } from '../core/quant/weights';
import { collectLayerInputs } from '../model/forward';
import type { ActQParams } from '../model/forward';
import { imagesToTensor } from '../model/preprocess';
import type { LoadedDataset, LoadedModel } from './assets';
import { applyKernels, getTrain } from './assets';

/** What decides a model's quantized weights. */
export type WeightSettings = Pick<Config, 'weights' | 'overrides' | 'seed'>;

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

const quantCache = new Lru<Map<string, QuantizedWeights>>(24);

/** Every layer's quantized kernel under `settings`, computed once per (model, settings). */
export function quantizedKernels(m: LoadedModel, settings: WeightSettings): Map<string, QuantizedWeights> {
  const key = `${m.meta.id}|${weightQuantKey(settings)}`;
  let q = quantCache.get(key);
  if (!q) {
    q = new Map();
    for (const w of m.original) {
      q.set(w.info.name, quantizeWeights(w.kernel, w.info.kernelShape, layerSpec(settings, w.info.name)));
    }
    quantCache.set(key, q);
  }
  return q;
}

/** Loads the quantized kernels into the model (or the original ones for `null`). */
export function applySettings(m: LoadedModel, settings: WeightSettings | null): void {
  if (!settings) {
    applyKernels(m, '', null);
    return;
  }
  const q = quantizedKernels(m, settings);
  const kernels = new Map([...q].map(([name, w]) => [name, w.values]));
  applyKernels(m, weightQuantKey(settings), kernels);
}

export interface LayerQuantError extends QuantErrorStats {
  readonly name: string;
}

export function layerErrors(m: LoadedModel, settings: WeightSettings): LayerQuantError[] {
  const q = quantizedKernels(m, settings);
  return m.original.map((w) => {
    const qw = q.get(w.info.name)!;
    const t = qw.tensor;
    const spec = layerSpec(settings, w.info.name);
    // A weight is clipped when the clamp to [qmin, qmax] changed its code, i.e. it lies more than
    // half a step outside the grid's end points (closer ones round to the end code anyway).
    // Binary and ternary saturate by design: no clip count for them.
    const clip =
      t && spec.kind === 'uniform'
        ? {
            clipMin: t.clipMin.map((v, c) => v - t.scale[c]! / 2),
            clipMax: t.clipMax.map((v, c) => v + t.scale[c]! / 2),
          }
        : undefined;
    return { name: w.info.name, ...quantErrorStats(w.kernel, qw.values, clip) };
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

export function inspectWeights(m: LoadedModel, settings: WeightSettings, layer: string, bins: number): WeightInspection {
  const w = m.original.find((l) => l.info.name === layer);
  if (!w) throw new Error(`Model ${m.meta.id} has no layer "${layer}".`);
  const q = quantizedKernels(m, settings).get(layer)!;
  // The same bins for both, over both ranges (a level may sit just beyond the trained range):
  // the quantized histogram snaps onto the grid inside them.
  const a = tensorStats(w.kernel);
  const b = tensorStats(q.values);
  const range = { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
  const h0 = histogram(w.kernel, { bins, range });
  const h1 = histogram(q.values, { bins, range });
  const t = q.tensor;
  const binary = layerSpec(settings, layer).kind === 'binary';
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
  applyKernels(m, '', null); // observe the float model
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

