import type { CompressSettings } from '../shared/pipeline';
import { compressKey } from '../shared/pipeline';
import type { LoadedModel } from '../../../platform/worker/assets';
import { applyKernels } from '../../../platform/worker/assets';
import { compressedWeights } from '../shared/compressed';

/** Loads the compressed weights into the model (or the original ones for `null`). */
export function applySettings(m: LoadedModel, settings: CompressSettings | null): void {
  if (!settings) {
    applyKernels(m, '', null, null);
    return;
  }
  const { kernels, biases } = compressedWeights(m, settings);
  applyKernels(m, compressKey(settings), kernels, biases);
}
