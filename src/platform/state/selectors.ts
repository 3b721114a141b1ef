import { modelKey } from '../shared/config';
import {
  actInspectionKey,
  effectiveLayer,
  evaluationKey,
  histogramKey,
  layerErrorsKey,
  kdImageIndex,
  maskKey,
  misclassifiedKey,
  oneShotKey,
  pruneSweepKey,
  quantEvaluationKey,
  reportKey,
  sensitivityKey,
  softTargetsKey,
  sweepKey,
  weightInspectionKey,
} from './keys';
import type { Keyed, State } from './store';

/**
 * Narrow selectors: each returns a stored reference or a primitive, never a fresh object.
 *
 * Two kinds per result. `selectX` gives what to draw: the current result or, while the new one is
 * being computed, the previous one for the same model (and layer), so charts update in place
 * instead of flashing empty. `selectXCurrent` says whether it is current; components dim and
 * label a result that is not, so a stale result is never presented as current.
 */

const sameModel = (key: string, s: State) => {
  const mk = modelKey(s.config);
  return key === mk || key.startsWith(`${mk}|`);
};

function shown<T>(r: Keyed<T> | null, s: State): T | null {
  return r && sameModel(r.key, s) ? r.data : null;
}

export const selectSummary = (s: State) =>
  s.summary?.key === modelKey(s.config) ? s.summary.data : null;

/** The current model's test set size (null until it is described). */
export const selectTestCount = (s: State) => selectSummary(s)?.dataset.test.count ?? null;

export const selectLayer = (s: State) => effectiveLayer(s.config, selectSummary(s));

function currentKey(r: Keyed<unknown> | null, key: string | null): boolean {
  return r !== null && key !== null && r.key === key;
}

const layerKey = (s: State, f: (c: State['config'], layer: string) => string) => {
  const layer = selectLayer(s);
  return layer === null ? null : f(s.config, layer);
};

export const selectHistogram = (s: State) => {
  const d = shown(s.histogram, s);
  return d && d.layer === selectLayer(s) ? d : null;
};
export const selectHistogramCurrent = (s: State) =>
  currentKey(s.histogram, layerKey(s, histogramKey));

export const selectEvaluation = (s: State) =>
  s.evaluation?.key === evaluationKey(s.config) ? s.evaluation.data : null;

export const selectQuantEvaluation = (s: State) => shown(s.quantEvaluation, s);
export const selectQuantEvaluationCurrent = (s: State) =>
  currentKey(s.quantEvaluation, quantEvaluationKey(s.config));

export const selectWeightInspection = (s: State) => {
  const d = shown(s.weightInspection, s);
  return d && d.layer === selectLayer(s) ? d : null;
};
export const selectWeightInspectionCurrent = (s: State) =>
  currentKey(s.weightInspection, layerKey(s, weightInspectionKey));

export const selectActInspection = (s: State) => {
  const d = shown(s.actInspection, s);
  return d && d.layer === selectLayer(s) ? d : null;
};
export const selectActInspectionCurrent = (s: State) =>
  currentKey(s.actInspection, layerKey(s, actInspectionKey));

export const selectSweep = (s: State) => shown(s.sweep, s);
export const selectSweepCurrent = (s: State) => currentKey(s.sweep, sweepKey(s.config));

export const selectSensitivity = (s: State) =>
  s.sensitivity?.key === sensitivityKey(s.config) ? s.sensitivity.data : null;

export const selectLayerErrors = (s: State) => shown(s.layerErrors, s);
export const selectLayerErrorsCurrent = (s: State) =>
  currentKey(s.layerErrors, layerErrorsKey(s.config));

export const selectReport = (s: State) => shown(s.report, s);
export const selectReportCurrent = (s: State) => currentKey(s.report, reportKey(s.config));

export const selectMaskImage = (s: State) => {
  const d = shown(s.maskImage, s);
  return d && d.layer === selectLayer(s) ? d : null;
};
export const selectMaskImageCurrent = (s: State) => currentKey(s.maskImage, layerKey(s, maskKey));

export const selectPruneSweep = (s: State) => shown(s.pruneSweep, s);
export const selectPruneSweepCurrent = (s: State) =>
  currentKey(s.pruneSweep, pruneSweepKey(s.config));

/** The distillation view's test image: the configured one, within the test set. */
export const selectKdImageIndex = (s: State) => kdImageIndex(s.config, selectSummary(s));

/** The shown test image and the teacher's logits: the previous image's while the next arrives. */
export const selectSoftTargets = (s: State) => shown(s.softTargets, s);
export const selectSoftTargetsCurrent = (s: State) => {
  const index = selectKdImageIndex(s);
  return currentKey(s.softTargets, index === null ? null : softTargetsKey(s.config, index));
};

export const selectMisclassified = (s: State) =>
  s.misclassified?.key === misclassifiedKey(s.config) ? s.misclassified.data : null;

export const selectOneShot = (s: State) => shown(s.oneShot, s);
export const selectOneShotCurrent = (s: State) => currentKey(s.oneShot, oneShotKey(s.config));
