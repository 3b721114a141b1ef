import { modelKey } from '../core/config';
import { effectiveLayer, evaluationKey, histogramKey } from './keys';
import type { State } from './store';

/** Narrow selectors: each returns a stored reference or a primitive, never a fresh object. */

export const selectSummary = (s: State) =>
  s.summary?.key === modelKey(s.config) ? s.summary.data : null;

export const selectLayer = (s: State) => effectiveLayer(s.config, selectSummary(s));

export const selectHistogram = (s: State) => {
  const layer = selectLayer(s);
  return layer !== null && s.histogram?.key === histogramKey(s.config, layer)
    ? s.histogram.data
    : null;
};

export const selectEvaluation = (s: State) =>
  s.evaluation?.key === evaluationKey(s.config) ? s.evaluation.data : null;
