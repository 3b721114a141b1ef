/**
 * Mixed-precision assignment from a per-layer sensitivity analysis (in the spirit of HAWQ and of
 * the "quantize one layer at a time" analysis of TensorRT/AIMET, with a greedy knapsack in place
 * of their solvers): every layer starts at the widest candidate; while the model is larger than
 * the target, lower the one layer whose next step down costs the least accuracy per bit saved.
 * Accuracy drops are assumed additive across layers, which is what "sensitivity" means here.
 */

export interface LayerCandidate {
  readonly name: string;
  /** Size in bits of this layer (codes + metadata + bias) at each candidate bit-width. */
  readonly sizeBits: (bits: number) => number;
  /** Accuracy drop (fraction, baseline − quantized) when only this layer is quantized at `bits`. */
  readonly drop: (bits: number) => number;
}

export interface MixedPrecisionResult {
  readonly assignment: Record<string, number>;
  readonly totalBits: number;
  /** Sum of the per-layer drops of the assignment: a prediction, to be measured. */
  readonly predictedDrop: number;
  /** False when even the narrowest candidate everywhere is larger than the target. */
  readonly feasible: boolean;
}

export function proposeMixedPrecision(
  layers: readonly LayerCandidate[],
  candidates: readonly number[],
  targetBits: number,
): MixedPrecisionResult {
  const bits = [...new Set(candidates)].sort((a, b) => b - a); // widest first
  if (bits.length === 0) throw new RangeError('no candidate bit-widths');
  const level = layers.map(() => 0); // index into `bits`
  const total = () => layers.reduce((a, l, i) => a + l.sizeBits(bits[level[i]!]!), 0);
  let size = total();
  while (size > targetBits) {
    let best = -1;
    let bestScore = Infinity;
    layers.forEach((l, i) => {
      const cur = bits[level[i]!]!;
      const next = bits[level[i]! + 1];
      if (next === undefined) return;
      const saved = l.sizeBits(cur) - l.sizeBits(next);
      if (saved <= 0) return;
      const score = Math.max(0, l.drop(next) - l.drop(cur)) / saved;
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    });
    if (best < 0) break;
    level[best]!++;
    size = total();
  }
  const assignment: Record<string, number> = {};
  let predictedDrop = 0;
  layers.forEach((l, i) => {
    const b = bits[level[i]!]!;
    assignment[l.name] = b;
    predictedDrop += l.drop(b);
  });
  return { assignment, totalBits: size, predictedDrop, feasible: size <= targetBits };
}
