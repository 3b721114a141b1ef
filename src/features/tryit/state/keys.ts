import { modelKey } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { quantEvaluationKey } from '../../../platform/state/keys';
import type { State } from '../../../platform/state/store';
import type { ModelSummary } from '../../../platform/worker/engine';
import { sourceKey, tryitSource } from '../shared/source';
import type { TryitSource } from '../shared/source';

/**
 * Keys of the Try it tab's results. Both depend on the model and the whole compressed pipeline
 * (the compressed column is that pipeline's model); the prediction also on its input, named by
 * the drawing's id or the test image's index.
 */

/**
 * Whether Try it can run the model: a shipped or trained one, or an upload shaped like them
 * (28×28×1 or 784 inputs, 10 outputs: evaluated on the shipped datasets). An upload of another
 * shape, or weights only, cannot take a drawing or a test image.
 */
export function tryitApplies(s: State, summary: ModelSummary | null): boolean {
  if (!summary) return false;
  return s.config.uploaded === null || summary.meta.training.evaluation === 'dataset';
}

/** What the predictions are of now; null until the model is described (or Try it cannot run it). */
export function currentSource(s: State, summary: ModelSummary | null): TryitSource | null {
  if (!summary || !tryitApplies(s, summary)) return null;
  return tryitSource(s.tryit, s.config.dataset, summary.dataset.test.count);
}

/** The prediction's key, or null when there is nothing to predict (an empty drawing). */
export function tryitPredictionKey(config: Config, source: TryitSource): string | null {
  const k = sourceKey(source);
  return k === null ? null : `${quantEvaluationKey(config)}|tryit|${k}`;
}

/** Both models' classes of every test image: the model and the pipeline. */
export function tryitPredictionsKey(config: Config): string {
  return `${quantEvaluationKey(config)}|tryit-all`;
}

/** Whether a stored key belongs to the current model (its results may be shown, marked stale). */
export function sameModel(key: string, config: Config): boolean {
  return key.startsWith(`${modelKey(config)}|`);
}
