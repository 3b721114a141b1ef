import { softmaxWithTemperature } from './kd';

/**
 * The soft targets of distillation, as the Train tab shows them ("dark knowledge", Hinton et al.
 * 2015): the teacher's softmax over the classes at temperature T,
 *
 *   p_T(k) = exp(z_k / T) / Σ_j exp(z_j / T),
 *
 * for its logits z. T = 1 is the ordinary softmax; a larger T divides the gaps between logits,
 * so the probabilities flatten towards uniform (1/K each as T → ∞) while keeping their order.
 * The small probabilities (which wrong classes an image resembles) then carry signal a student
 * can learn from. The maths is kd.ts's, where the distillation loss uses it.
 */

/** softmax(z / T) of one example's logits, stably (see kd.ts). */
export function softmaxT(logits: ArrayLike<number>, temperature = 1): Float64Array {
  return softmaxWithTemperature(logits, temperature);
}

/** Index of the largest value (the first one on ties); −1 for an empty array. */
export function argmax(values: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) if (best < 0 || values[i]! > values[best]!) best = i;
  return best;
}

/**
 * A probability as a percentage that still tells small ones apart: one decimal down to 0.1%,
 * then two significant digits ("0.0042%"), then "<0.0001%". At T = 1 most classes sit far below
 * 0.1%, and their differences are what the temperature brings out.
 */
export function formatProbability(p: number): string {
  if (!(p >= 0)) return '—';
  const percent = p * 100;
  if (percent >= 99.95 && p < 1) return '>99.9%';
  if (percent >= 0.1) return `${percent.toFixed(1)}%`;
  if (percent >= 1e-4) return `${Number(percent.toPrecision(2)).toString()}%`;
  return p === 0 ? '0%' : '<0.0001%';
}
