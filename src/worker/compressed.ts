import { compressKey } from '../core/plan/pipeline';
import type { CompressSettings } from '../core/plan/pipeline';
import { countClipped, distinctLevels, maxAbsError, mse, sqnrDb } from '../core/quant/sqnr';
import type { QuantErrorStats } from '../core/quant/sqnr';
import { compressModel } from './compress';
import type { CompressedModel } from './compress';
import type { LayerWeights } from '../model/weights';
import { Lru } from './lru';

/**
 * What the compression views need of a model: its id and its trained weights. The tfjs worker's
 * loaded models have this shape, and so do the stats worker's, which read weights.bin without
 * tfjs.
 */
export interface WeightsSource {
  readonly meta: { readonly id: string };
  readonly original: readonly LayerWeights[];
}

const compressCache = new Lru<CompressedModel>(24);

/** The model's compressed layers under `settings`, computed once per (model, settings). */
export function compressed(m: WeightsSource, settings: CompressSettings): CompressedModel {
  const key = `${m.meta.id}|${compressKey(settings)}`;
  let c = compressCache.get(key);
  if (!c) {
    c = compressModel(m.original, settings);
    compressCache.set(key, c);
  }
  return c;
}

export interface LayerQuantError extends QuantErrorStats {
  readonly name: string;
}

export function layerErrors(m: WeightsSource, settings: CompressSettings): LayerQuantError[] {
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
    return {
      name: w.info.name,
      mse: mse(w.kernel, l.values),
      sqnrDb: sqnrDb(w.kernel, l.values),
      maxAbsError: maxAbsError(w.kernel, l.values),
      clipped: clip ? countClipped(w.kernel, clip.clipMin, clip.clipMax) : 0,
      levels: levelsUsed(l),
    };
  });
}

/**
 * Distinct values of a compressed kernel, from its codes where that is exact (a Set over 235k
 * floats cost ~20 ms of every slider step): per-tensor integer codes map one-to-one to values,
 * and clustered weights take their centroids' values (plus 0 where pruned).
 */
function levelsUsed(l: CompressedModel['layers'][number]): number {
  const t = l.tensor;
  if (t && t.scale.length === 1 && !l.mask) {
    const seen = new Uint8Array(t.qmax - t.qmin + 1);
    let n = 0;
    for (const q of t.codes) {
      const k = q - t.qmin;
      if (seen[k] === 0) {
        seen[k] = 1;
        n++;
      }
    }
    return n;
  }
  if (l.cluster) {
    let n = 0;
    for (const c of l.cluster.counts) if (c > 0) n++;
    return n + (l.mask ? 1 : 0);
  }
  return distinctLevels(l.values);
}
