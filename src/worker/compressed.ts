import { compressKey } from '../core/plan/pipeline';
import type { CompressSettings } from '../core/plan/pipeline';
import { applyMask } from '../core/prune/mask';
import { quantErrorStats } from '../core/quant/sqnr';
import type { QuantErrorStats } from '../core/quant/sqnr';
import type { LoadedModel } from './assets';
import { applyKernels } from './assets';
import { compressModel } from './compress';
import type { CompressedModel } from './compress';
import { Lru } from './lru';

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
