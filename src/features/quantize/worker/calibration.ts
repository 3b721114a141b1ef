import type { ActQuant, Config } from '../../../platform/shared/config';
import { histogram, layerBins } from '../../../platform/shared/histogram';
import { createObserver } from '../shared/calibration';
import type { Range } from '../shared/calibration';
import { schemeKey } from '../../compress';
import { computeQParams } from '../shared/qparams';
import { collectLayerInputs } from '../../model/worker';
import type { ActQParams } from '../../model/worker';
import { imagesToTensor } from '../../model/worker';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import { applyKernels, getTrain } from '../../../platform/worker/assets';
import { Lru } from '../../../platform/shared/lru';
import { observerConfig } from '../shared/observerConfig';

export interface LayerCalibration {
  readonly observed: Range;
  /** The range the observer chose (the clip range before the grid is fitted). */
  readonly chosen: Range;
  readonly qparams: ActQParams;
  /** All values the layer saw during calibration, for its histogram. */
  readonly samples: Float32Array;
}

/** Images per calibration batch: moving-average observers update once per batch, as in torch. */
export const CALIBRATION_BATCH = 32;
/**
 * Images per forward pass of the calibration: a multiple of CALIBRATION_BATCH, the observers
 * still seeing CALIBRATION_BATCH images at a time (each image's activations do not depend on the
 * others in its pass). Fewer, larger passes cost less per image than 32-image ones.
 */
const FORWARD_BATCH = 8 * CALIBRATION_BATCH;

const calibrationCache = new Lru<Promise<Map<string, LayerCalibration>>>(8);

export function calibrationKey(m: LoadedModel, acts: ActQuant): string {
  return `${m.meta.id}|${acts.bits}|${schemeKey(acts)}|${acts.observer}|${acts.percentile}|${acts.calibration}`;
}

/**
 * Post-training calibration, as torch.ao's `prepare` → run → `convert`: the float model runs on
 * the first `acts.calibration` training images; an observer per weighted layer watches that
 * layer's input; its range gives the activation's scale and zero-point.
 */
export function calibrate(
  m: LoadedModel,
  d: LoadedDataset,
  acts: ActQuant,
): Promise<Map<string, LayerCalibration>> {
  const key = calibrationKey(m, acts);
  let p = calibrationCache.get(key);
  if (!p) {
    p = runCalibration(m, d, acts);
    p.catch(() => undefined);
    calibrationCache.set(key, p);
  }
  return p;
}

async function runCalibration(
  m: LoadedModel,
  d: LoadedDataset,
  acts: ActQuant,
): Promise<Map<string, LayerCalibration>> {
  const bits = Math.max(2, acts.bits);
  const train = await getTrain(d);
  const [h, w, c] = d.meta.imageShape;
  const count = Math.min(acts.calibration, train.labels.length);
  const x = imagesToTensor(train.x.subarray(0, count * h * w * c), count, d.meta.imageShape);
  applyKernels(m, '', null, null); // observe the float model
  const names = new Set(m.original.map((l) => l.info.name));
  let inputs: Map<string, Float32Array[]>;
  try {
    inputs = await collectLayerInputs(m.layers, x, names, FORWARD_BATCH);
  } finally {
    x.dispose();
  }
  const out = new Map<string, LayerCalibration>();
  for (const [name, batches] of inputs) {
    const observer = createObserver(observerConfig({ ...acts, bits }));
    let lo = Infinity;
    let hi = -Infinity;
    let total = 0;
    for (let f = 0; f < batches.length; f++) {
      const b = batches[f]!;
      // Pass f holds these images; the observer sees them CALIBRATION_BATCH at a time.
      const images = Math.min(FORWARD_BATCH, count - f * FORWARD_BATCH);
      const per = b.length / images;
      for (let i = 0; i < images; i += CALIBRATION_BATCH)
        observer.observe(b.subarray(i * per, Math.min(images, i + CALIBRATION_BATCH) * per));
      total += b.length;
      for (let i = 0; i < b.length; i++) {
        const v = b[i]!;
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
    const qp = computeQParams(chosen.min, chosen.max, bits, acts.scheme, acts.symRange);
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
  // Clipped = the clamp changed the code: more than half a step outside the grid's ends.
  const lo = clip.min - scale / 2;
  const hi = clip.max + scale / 2;
  const samples = cal.samples;
  for (let i = 0; i < samples.length; i++) if (samples[i]! < lo || samples[i]! > hi) clipped++;
  return {
    ...layerBins(m.meta.id, layer, h),
    observed: cal.observed,
    chosen: cal.chosen,
    clip,
    scale,
    zeroPoint,
    clippedFraction: cal.samples.length > 0 ? clipped / cal.samples.length : 0,
    count: cal.samples.length,
  };
}
