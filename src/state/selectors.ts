import { modelKey } from '../core/config';
import {
  actInspectionKey,
  effectiveLayer,
  evaluationKey,
  histogramKey,
  maskKey,
  pruneSweepKey,
  quantEvaluationKey,
  reportKey,
  sensitivityKey,
  sweepKey,
  weightInspectionKey,
} from './keys';
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

export const selectQuantEvaluation = (s: State) =>
  s.quantEvaluation?.key === quantEvaluationKey(s.config) ? s.quantEvaluation.data : null;

export const selectWeightInspection = (s: State) => {
  const layer = selectLayer(s);
  return layer !== null && s.weightInspection?.key === weightInspectionKey(s.config, layer)
    ? s.weightInspection.data
    : null;
};

export const selectActInspection = (s: State) => {
  const layer = selectLayer(s);
  return layer !== null && s.actInspection?.key === actInspectionKey(s.config, layer) ? s.actInspection.data : null;
};

export const selectSweep = (s: State) => (s.sweep?.key === sweepKey(s.config) ? s.sweep.data : null);

export const selectSensitivity = (s: State) =>
  s.sensitivity?.key === sensitivityKey(s.config) ? s.sensitivity.data : null;

export const selectReport = (s: State) => (s.report?.key === reportKey(s.config) ? s.report.data : null);

export const selectMaskImage = (s: State) => {
  const layer = selectLayer(s);
  return layer !== null && s.maskImage?.key === maskKey(s.config, layer) ? s.maskImage.data : null;
};

export const selectPruneSweep = (s: State) => (s.pruneSweep?.key === pruneSweepKey(s.config) ? s.pruneSweep.data : null);
