/**
 * Rounding rules used by the quantizers.
 *
 * - `'nearest'`: round half to even, like `torch.round`, `std::nearbyint` under the default
 *   FE_TONEAREST mode, and `tf.round`. `Math.round` rounds half toward +∞ and is NOT used.
 * - `'stochastic'`: round up with probability equal to the fractional part, so that
 *   E[round(v)] = v (Gupta et al. 2015, "Deep Learning with Limited Numerical Precision").
 */

import type { Random } from '../../../platform/shared/random';

export type RoundingMode = 'nearest' | 'stochastic';

/** Rounds to the nearest integer, ties to even: 0.5 → 0, 1.5 → 2, 2.5 → 2, −0.5 → −0. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v); // ties go toward +∞: r − v = 0.5 exactly at a tie
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Stochastic rounding: ⌊v⌋ + 1 with probability v − ⌊v⌋, else ⌊v⌋. Integers are returned
 * unchanged (the fractional part is 0, and `random()` < 0 never holds).
 */
export function roundStochastic(v: number, random: Random): number {
  const f = Math.floor(v);
  return random() < v - f ? f + 1 : f;
}
