import { selectSummary } from '../../../platform/state/selectors';
import type { State } from '../../../platform/state/store';
import { DRAWABLE_DATASETS } from '../shared/source';
import { currentSource, sameModel, tryitPredictionKey, tryitPredictionsKey } from './keys';

/**
 * Narrow selectors of the Try it tab (each returns a stored reference or a primitive). The
 * prediction on screen is the current one or, while it is computed, the previous one for the
 * same model, marked not current (dimmed, data-current="false"): never another input's or
 * config's as current.
 */

/** The key the current input and config need; null when there is nothing to predict. */
export const selectTryitWantedKey = (s: State): string | null => {
  const source = currentSource(s, selectSummary(s));
  return source === null ? null : tryitPredictionKey(s.config, source);
};

export const selectTryitPrediction = (s: State) =>
  s.tryitPrediction && sameModel(s.tryitPrediction.key, s.config) ? s.tryitPrediction : null;

export const selectTryitPredictionCurrent = (s: State) => {
  const want = selectTryitWantedKey(s);
  return want !== null && s.tryitPrediction?.key === want;
};

/** Both models' classes of every test image, for the current config only. */
export const selectTryitPredictions = (s: State) =>
  s.tryitPredictions?.key === tryitPredictionsKey(s.config) ? s.tryitPredictions.data : null;

/** What the predictions are of: the drawing only where the dataset is one of digits. */
export const selectTryitMode = (s: State): 'drawing' | 'test' =>
  s.tryit.mode === 'drawing' && DRAWABLE_DATASETS.includes(s.config.dataset) ? 'drawing' : 'test';

export { selectTestCount } from '../../../platform/state/selectors';
