/**
 * A size axis on a log scale, for the accuracy-vs-true-size charts (the prune lab's session
 * scatter, the history's Pareto charts): positions are log10 of the size in KB (1 KB = 1000
 * bytes, as formatBits), ticks at 1, 2 and 5 × 10^k.
 */

/** Bits → the axis position: log10 of the size in KB. */
export function logKb(bits: number): number {
  return Math.log10(bits / 8000);
}

/** A size in KB, two significant digits below 10 KB ("3.4 KB", "51 KB"). */
export function formatKb(kb: number): string {
  return `${kb >= 10 ? kb.toFixed(0) : kb.toPrecision(2)} KB`;
}

/** log10 positions of 1, 2 and 5 × 10^k inside [lo, hi] (both log10); the ends if fewer than 2. */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let k = Math.floor(lo); k <= Math.ceil(hi); k++)
    for (const m of [1, 2, 5]) {
      const t = k + Math.log10(m);
      if (t >= lo && t <= hi) ticks.push(t);
    }
  return ticks.length >= 2 ? ticks : [lo, hi];
}

/**
 * The x domain (log10 KB) around the given positions: 8% of their span either side, and at least
 * 0.35 (half a decade in all), so that a lone point still gets ticks around it. [-0.35, 1.35]
 * without points.
 */
export function logSizeDomain(positions: readonly number[]): readonly [number, number] {
  const xs = positions.filter(Number.isFinite);
  const lo = xs.length ? Math.min(...xs) : 0;
  const hi = xs.length ? Math.max(...xs) : 1;
  const pad = Math.max(0.35, (hi - lo) * 0.08);
  return [lo - pad, hi + pad];
}

/** A y domain in percent for accuracies (fractions): from the 10% step below the lowest − 2, to 100. */
export function accuracyDomain(accuracies: readonly number[]): readonly [number, number] {
  const ys = accuracies.filter(Number.isFinite).map((a) => a * 100);
  const yMin = ys.length ? Math.min(...ys) : 0;
  return [Math.max(0, Math.floor((yMin - 2) / 10) * 10), 100];
}
