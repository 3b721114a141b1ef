import { trainedStore, useTrainedList } from '../../model/state';
import type { Recipe } from '../shared/recipe';
import type { TrainProgress } from '../shared/progress';
import type { RunCallbacks } from '../../../platform/worker/runClient';
import { useStore } from '../../../platform/state/store';
import { createRunsStore } from './runs';
import { createTrainRunClient } from './trainClient';
import type { TrainRunClient } from './trainClient';

/**
 * The app's runs: one store, one training worker, created on the first run (a visit that never
 * trains never starts the worker). The trained-model store opens with the app: run numbers go on
 * from the models kept by earlier visits.
 */
let client: TrainRunClient | null = null;

function trainClient(): TrainRunClient {
  client ??= createTrainRunClient({
    onRestart: (message) => useStore.getState().addNotice('warning', message),
  });
  return client;
}

export const useRuns = createRunsStore({
  client: {
    start: (recipe: Recipe, callbacks: RunCallbacks<TrainProgress>) =>
      trainClient().start(recipe, callbacks),
  },
  trained: trainedStore,
  onModelKept: () => void useTrainedList.getState().refresh(),
});
