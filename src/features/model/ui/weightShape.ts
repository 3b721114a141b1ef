/**
 * What a layer's weight histogram looks like, in words that must agree with the chart beside
 * them. Measured from the histogram: the share of weights within one standard deviation of the
 * mean is 68% for a bell (Gaussian) shape, more for a sharp peak with long tails (Laplace-like:
 * 76%), less for a flat, spread-out one (uniform: 58%).
 */
export function describeWeightShape(
  counts: ArrayLike<number>,
  min: number,
  binWidth: number,
  mean: number,
  std: number,
): string {
  let total = 0;
  let inside = 0;
  for (let i = 0; i < counts.length; i++) {
    const centre = min + (i + 0.5) * binWidth;
    total += counts[i]!;
    if (Math.abs(centre - mean) <= std) inside += counts[i]!;
  }
  if (total < 1000)
    return `With only ${total} weights this histogram is too coarse to have a smooth shape`;
  const share = inside / total;
  const centred = Math.abs(mean) < 0.5 * std ? 'centred near zero' : 'off-centre';
  if (share > 0.73) return `The weights form a sharp peak ${centred} with long tails`;
  if (share >= 0.63) return `The weights form a bell shape ${centred}`;
  return `The weights are spread out, flatter than a bell`;
}
