/**
 * What the Try-it panel shows for a drawing: the model's logits turned into class
 * probabilities, most likely first. The shipped models end in a linear layer (logits), so the
 * softmax is applied here, on the main thread, to the 10 numbers the worker sends back.
 */

/** One class of a prediction. */
export interface Prediction {
  /** Class index (for MNIST, the digit). */
  readonly index: number;
  /** The class's name, when labels were given, else its index as text. */
  readonly label: string;
  readonly logit: number;
  /** softmax probability in [0, 1]. */
  readonly probability: number;
}

/**
 * softmax(z)_k = exp(z_k − m) / Σ_j exp(z_j − m), m = max z: subtracting the maximum keeps
 * every exponent ≤ 0, so large logits (e.g. 1000) neither overflow nor give ∞/∞ = NaN, and the
 * largest term is exactly 1 so the sum is never 0. Sums in float64.
 *
 * Non-finite logits: a +∞ logit takes all the probability (shared equally among several),
 * −∞ gets 0; NaN anywhere, or all −∞ (no class at all), gives NaN everywhere. Empty in, empty
 * out.
 */
export function softmax(logits: ArrayLike<number>): Float64Array {
  const n = logits.length;
  const p = new Float64Array(n);
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const z = logits[i]!;
    if (Number.isNaN(z)) return p.fill(NaN);
    if (z > max) max = z;
  }
  if (n === 0) return p;
  if (max === -Infinity) return p.fill(NaN);
  if (max === Infinity) {
    let count = 0;
    for (let i = 0; i < n; i++) if (logits[i] === Infinity) count++;
    for (let i = 0; i < n; i++) p[i] = logits[i] === Infinity ? 1 / count : 0;
    return p;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    p[i] = Math.exp(logits[i]! - max);
    sum += p[i]!;
  }
  for (let i = 0; i < n; i++) p[i]! /= sum;
  return p;
}

/**
 * The `k` most likely classes (all by default), by decreasing probability; equal probabilities
 * keep class order (so a tie reads "3 before 8", never at random). `labels[i]` names class i.
 *
 * @throws RangeError if labels are given but not one per logit.
 */
export function topPredictions(
  logits: ArrayLike<number>,
  k: number = logits.length,
  labels?: readonly string[],
): Prediction[] {
  if (labels !== undefined && labels.length !== logits.length) {
    throw new RangeError(`${labels.length} labels for ${logits.length} logits`);
  }
  const p = softmax(logits);
  const all: Prediction[] = Array.from(p, (probability, index) => ({
    index,
    label: labels?.[index] ?? String(index),
    logit: logits[index]!,
    probability,
  }));
  // Array.prototype.sort is stable: ties stay in index order. NaN sorts last.
  all.sort((a, b) => rank(b.probability) - rank(a.probability));
  return all.slice(0, Math.max(0, Math.floor(k)));
}

/** NaN ranks below every probability. */
function rank(p: number): number {
  return Number.isNaN(p) ? -1 : p;
}

/**
 * What a model's outputs say as class probabilities: the softmax of logits (the shipped models
 * end in a linear layer), or the outputs themselves when the model ends in a softmax (an
 * uploaded one may), which a second softmax would flatten toward uniform.
 */
export function classProbabilities(
  outputs: ArrayLike<number>,
  kind: 'logits' | 'probabilities',
): Float64Array {
  return kind === 'probabilities' ? Float64Array.from(outputs) : softmax(outputs);
}
