import type { ActQuant, Config } from '../../../platform/shared/config';
import { specLabel, weightSpec } from '../shared/quantPlan';
import { sweepActs } from '../../../platform/state/keys';
import { OBSERVER_LABEL, percent, plural } from '../shared/words';

/**
 * The captions of the measured sweeps (accuracy vs bit-width, vs sparsity, the sensitivity
 * analysis): what each point really is, from the config, following what the jobs send to the
 * worker (src/platform/state/jobs.ts). Each sweep varies one stage and fixes or drops the others:
 *
 * - bit-width sweep: the config's pruning (method, sparsity, per-layer sparsities) stays
 *   underneath; weights are integers at each width with the config's scheme, granularity,
 *   rounding and ternary choice; per-layer bit-widths and clustering are dropped; activations are
 *   float32 (solid curve) or the configured ones, 8-bit when they are off (dashed curve);
 * - 16-bit references: the same pruning, float16/bfloat16 weights, float32 activations;
 * - sparsity sweep: each method at each sparsity on the trained weights, no per-layer
 *   sparsities, float32 weights and activations;
 * - sensitivity: the config's pruning, one layer quantized, the others float32.
 */

/** The model a sweep runs on, e.g. "the model pruned 90% by magnitude, layer-wise (…)". */
export function prunedModel(c: Pick<Config, 'prune' | 'seed'>): string {
  const p = c.prune;
  if (p.method === 'none') return 'the unpruned model';
  const how = {
    magnitude: `pruned ${percent(p.sparsity)} by magnitude, layer-wise`,
    global: `pruned ${percent(p.sparsity)} by global magnitude`,
    structured: `with ${percent(p.sparsity)} of each layer's units removed (${p.norm.toUpperCase()} norm)`,
    nm: `pruned ${p.pattern} (N:M)`,
    random: `pruned ${percent(p.sparsity)} at random (seed ${c.seed})`,
  }[p.method];
  const own = Object.keys(p.overrides).length;
  const overrides = own > 0 ? `, ${plural(own, 'layer')} with a pruning setting of its own` : '';
  return `the model ${how}${overrides} (Prune & cluster tab)`;
}

/** The weight quantizer without its width, e.g. "symmetric restricted per-tensor". */
function schemeOf(c: Pick<Config, 'weights' | 'seed'>): string {
  return specLabel(weightSpec(c.weights, 4, c.seed)).replace(/^int4 /, '');
}

/** The weights as the config stores them, e.g. "int4 affine per-channel" or "32-cluster k-means". */
function weightsOf(c: Pick<Config, 'weights' | 'cluster' | 'seed'>): string {
  const w = c.weights;
  if (w.format === 'int') return specLabel(weightSpec(w, w.bits, c.seed));
  if (w.format === 'cluster') return `${c.cluster.k}-cluster k-means`;
  return w.format;
}

function actsOf(a: ActQuant): string {
  const observer =
    a.observer === 'percentile' ? `${a.percentile}th-percentile` : OBSERVER_LABEL[a.observer];
  return `${a.bits}-bit ${a.scheme} activations, ${observer} calibration on ${a.calibration} training images run through the float32 model`;
}

/** Caption of the accuracy-vs-bit-width curves. */
export function bitSweepCaption(c: Config): string {
  const low = c.weights.ternary
    ? '1 bit = binary α·sign(w), 2 bits = ternary (TWN)'
    : '1 bit = binary α·sign(w)';
  const acts = sweepActs(c.acts);
  const off = c.acts.bits === 0 ? '; yours are float32, so this curve uses 8 bits' : '';
  const dropped: string[] = [];
  const own = Object.keys(c.overrides).length;
  if (own > 0) dropped.push(`your per-layer bit-widths (${plural(own, 'layer')})`);
  if (c.weights.format === 'cluster') dropped.push('k-means clustering (each point quantizes)');
  return (
    `Each point: the full test set, every layer's weights at that width (${schemeOf(c)}; ${low}), ` +
    `on ${prunedModel(c)}, no retraining. Solid: activations float32. ` +
    `Dashed: ${actsOf(acts)}${off}.` +
    (dropped.length > 0 ? ` Not applied here: ${dropped.join(', ')}.` : '')
  );
}

/** What the 16-bit reference accuracies are, before their values. */
export function referencesCaption(c: Config): string {
  return `16-bit references, every layer's weights as float16 or bfloat16 on ${prunedModel(c)}, activations float32:`;
}

/** Caption of the accuracy-vs-sparsity curves. */
export function pruneSweepCaption(c: Config): string {
  const p = c.prune;
  const dropped: string[] = [];
  if (c.weights.format !== 'float32') dropped.push(`your ${weightsOf(c)} weights`);
  const bits = Object.keys(c.overrides).length;
  if (bits > 0) dropped.push(`your per-layer bit-widths (${plural(bits, 'layer')})`);
  if (c.acts.bits > 0) dropped.push(`your ${c.acts.bits}-bit activations`);
  const own = Object.keys(p.overrides).length;
  if (own > 0) dropped.push(`your per-layer pruning (${plural(own, 'layer')})`);
  return (
    'Each point: the full test set after pruning the trained weights — layer-wise and random: ' +
    `that fraction of every layer (random: seed ${c.seed}); global: of all weights, one threshold; ` +
    `structured: of every layer's units (${p.norm.toUpperCase()} norm, the output layer kept); ` +
    'N:M: each pattern at its own sparsity. The kept weights stay float32, activations float32, ' +
    'no retraining.' +
    (dropped.length > 0 ? ` Not applied here: ${dropped.join(', ')}.` : '')
  );
}

/** Caption of the sensitivity analysis. */
export function sensitivityCaption(c: Config, bits: readonly number[]): string {
  const pruned = c.prune.method !== 'none';
  return (
    `Each layer alone at ${bits.join(', ')} bits (${schemeOf(c)}), every other layer float32, ` +
    `activations float32, on ${prunedModel(c)}: the accuracy lost against the same model with ` +
    `every layer float32${pruned ? ' (pruned too, so a drop is the quantization’s alone)' : ''}.` +
    ' Sensitive layers deserve more bits.'
  );
}
