import { hostRuns } from '../../../platform/worker/runHost';
import type { RunHostOptions, RunWorkerApi } from '../../../platform/worker/runHost';
import type { TrainProgress } from '../shared/progress';
import type { Recipe } from '../shared/recipe';
import type { TrainHooks, TrainProduct } from './trainer';

/**
 * The training worker's comlink API: `startRun(runId, recipe, onProgress)` → the product,
 * `stop(runId)`, `cancel(runId)`, `ping()` (see platform/worker/runHost.ts for the protocol).
 * Progress goes to `onProgress` as deltas at most 10 times a second; the product's weights are
 * transferred, not copied.
 */

/** Trains one recipe to its product (the worker entry loads the base model and the data). */
export type TrainRecipe = (recipe: Recipe, hooks: TrainHooks) => Promise<TrainProduct>;

export type TrainApi = RunWorkerApi<Recipe, TrainProgress, TrainProduct>;

/**
 * The product with weights in buffers of their own: each can then be transferred (a buffer may
 * be sent only once, and tfjs may hand out views of its own memory).
 */
function withOwnBuffers(p: TrainProduct): TrainProduct {
  return {
    ...p,
    layers: p.layers.map((l) => ({
      ...l,
      kernel: l.kernel.slice(),
      bias: l.bias ? l.bias.slice() : null,
    })),
  };
}

function weightBuffers(p: TrainProduct): ArrayBuffer[] {
  return p.layers.flatMap((l) =>
    l.bias
      ? [l.kernel.buffer as ArrayBuffer, l.bias.buffer as ArrayBuffer]
      : [l.kernel.buffer as ArrayBuffer],
  );
}

export function createTrainApi(
  trainRecipe: TrainRecipe,
  options: Omit<RunHostOptions<TrainProduct>, 'transferables'> = {},
): TrainApi {
  return hostRuns<Recipe, TrainProgress, TrainProduct>(
    async (recipe, run) =>
      withOwnBuffers(
        await trainRecipe(recipe, { onProgress: run.onProgress, control: run.control }),
      ),
    { ...options, transferables: weightBuffers },
  );
}
