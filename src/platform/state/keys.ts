import type { ActQuant, Config } from '../shared/config';
import { modelKey } from '../shared/config';
import { memoWeak, memoWeakAnd } from '../shared/memo';
import { compressKey, compressSettings, pruneKey } from '../../features/compress/shared/pipeline';
import { schemeKey } from '../../features/compress/shared/quantPlan';
import type { ModelSummary } from '../worker/engine';

/**
 * Keys of the inputs each result depends on. A result is current only when its key equals the
 * key computed from the current config: the one rule that keeps stale results off the screen.
 */
export { modelKey };

/**
 * Configs are immutable (every change makes a new one), and every view's "is this result
 * current?" selector asks for its key after each store change (a worker result, a job starting
 * or ending: some 200 changes in one slider drag). So each key is computed once per config
 * object, and once per layer or image for the keys that take one.
 */

/** The compressed weights' key of a config. */
const compressKeyOf = memoWeak((config: Config) => compressKey(compressSettings(config)));

/** The layer actually shown: the configured one if the model has it, else its first layer. */
export function effectiveLayer(config: Config, summary: ModelSummary | null): string | null {
  if (!summary) return null;
  const names = summary.layers.map((l) => l.info.name);
  if (config.layer !== null && names.includes(config.layer)) return config.layer;
  return names[0] ?? null;
}

export const histogramKey = memoWeakAnd((config: Config, layer: string): string => {
  return `${modelKey(config)}|${layer}|${config.bins}`;
});

export const evaluationKey = memoWeak((config: Config): string => {
  return modelKey(config);
});

/** Everything that changes the activation quantizers (nothing when they are off). */
export function actKey(acts: ActQuant): string {
  return acts.bits === 0
    ? 'A32'
    : `A${acts.bits}|${schemeKey(acts)}|${acts.observer}|${acts.percentile}|${acts.calibration}`;
}

/** The compressed model: pruning, then quantization or clustering, then activations. */
export const quantEvaluationKey = memoWeak((config: Config): string => {
  return `${modelKey(config)}|${compressKeyOf(config)}|${actKey(config.acts)}`;
});

export const weightInspectionKey = memoWeakAnd((config: Config, layer: string): string => {
  return `${modelKey(config)}|${compressKeyOf(config)}|${layer}|${config.bins}`;
});

/** The compressed model's weights, all layers. */
export const layerErrorsKey = memoWeak((config: Config): string => {
  return `${modelKey(config)}|${compressKeyOf(config)}`;
});

/** Sizes and sparsity of the compressed model: its weights plus how they are stored. */
export const reportKey = memoWeak((config: Config): string => {
  const s = config.storage;
  return `${modelKey(config)}|${compressKeyOf(config)}|${s.format}|${s.indexBits}|${s.huffman}`;
});

export const maskKey = memoWeakAnd((config: Config, layer: string): string => {
  return `${modelKey(config)}|${pruneKey(config)}|${layer}`;
});

/**
 * The accuracy-vs-sparsity sweep varies the sparsity and compares methods, on float32 weights:
 * it depends only on the model, the chosen method (swept first), the norm and bias rule, and the
 * seed. Not on the N:M pattern: every pattern is evaluated whichever is configured.
 */
export const pruneSweepKey = memoWeak((config: Config): string => {
  const p = config.prune;
  return `${modelKey(config)}|${p.method}|${p.norm}|${p.structuredBias}|${config.seed}`;
});

/** The activation histogram is shown for the current calibration settings, even while off. */
export const actInspectionKey = memoWeakAnd((config: Config, layer: string): string => {
  const a = config.acts;
  return `${modelKey(config)}|${a.bits}|${schemeKey(a)}|${a.observer}|${a.percentile}|${a.calibration}|${layer}|${config.bins}`;
});

/** The bit-width sweep varies the bits, so they are not part of its key; overrides are ignored. */
export const sweepKey = memoWeak((config: Config): string => {
  const w = config.weights;
  const acts = sweepWithActs(config) ? actKey(sweepActs(config.acts)) : 'weights-only';
  return `${modelKey(config)}|${pruneKey(config)}|${schemeKey(w)}|${w.granularity}|${w.rounding}|${w.ternary}|${config.seed}|${acts}`;
});

/**
 * Whether the bit-width sweep also measures its weights + activations curve: the Quantize tab
 * always draws it; the Train tab's PTQ-vs-QAT chart only when activations are quantized (else
 * it would be a second evaluation per point that nothing draws, competing with the training run).
 */
export function sweepWithActs(config: Pick<Config, 'view' | 'acts'>): boolean {
  return config.view !== 'train' || config.acts.bits > 0;
}

/** Activations of the W+A sweep curve: the configured ones, or 8-bit if they are off. */
export function sweepActs(acts: ActQuant): ActQuant {
  return acts.bits === 0 ? { ...acts, bits: 8 } : acts;
}

export const sensitivityKey = memoWeak((config: Config): string => {
  const w = config.weights;
  return `${modelKey(config)}|${pruneKey(config)}|${schemeKey(w)}|${w.granularity}|${w.rounding}|${w.ternary}|${config.seed}`;
});

/**
 * The test image the distillation view shows: the configured one, within the current test set
 * (a link may name image 9,000 of Fashion-MNIST's 10,000 and the picker then switch to MNIST's
 * 2,000). Null until the model is described.
 */
export function kdImageIndex(config: Config, summary: ModelSummary | null): number | null {
  if (!summary) return null;
  return Math.max(0, Math.min(config.train.kdImage, summary.dataset.test.count - 1));
}

/** The teacher's logits for one test image: the model and the image (T is applied on the page). */
export const softTargetsKey = memoWeakAnd((config: Config, index: number): string => {
  return `${modelKey(config)}|kd|${index}`;
});

/** The test images the trained model misclassifies: the model alone. */
export const misclassifiedKey = memoWeak((config: Config): string => {
  return `${modelKey(config)}|misclassified`;
});

/** Fine-tuning's one-shot reference: the model, its pruning, float32 weights. */
export const oneShotKey = memoWeak((config: Config): string => {
  return `${modelKey(config)}|${pruneKey(config)}|oneshot-f32`;
});
