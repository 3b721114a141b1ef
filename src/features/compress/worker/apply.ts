import type { CompressSettings } from '../shared/pipeline';
import { compressKey } from '../shared/pipeline';
import { applyMask } from '../../prune';
import type { LoadedModel } from '../../../platform/worker/assets';
import { applyKernels } from '../../../platform/worker/assets';
import { compressed } from '../shared/compressed';

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
