import { RunClient } from '../../../platform/worker/runClient';
import type { RunClientOptions } from '../../../platform/worker/runClient';
import type { TrainProgress } from '../shared/progress';
import type { Recipe } from '../shared/recipe';
import type { TrainProduct } from '../worker/trainer';

/** The main thread's handle on the training worker. */
export type TrainRunClient = RunClient<Recipe, TrainProgress, TrainProduct>;

export function createTrainRunClient(options: RunClientOptions = {}): TrainRunClient {
  return new RunClient<Recipe, TrainProgress, TrainProduct>(
    // Written out for Vite to bundle the worker.
    () => new Worker(new URL('../worker/train.worker.ts', import.meta.url), { type: 'module' }),
    { label: 'training worker', ...options },
  );
}
