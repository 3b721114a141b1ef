/**
 * A symmetric-log scale, as d3's `scaleSymlog`:
 *
 *   t(v) = sign(v) · log10(1 + |v| / c)
 *
 * linear near 0 (|v| ≪ c), logarithmic far from it, and defined at 0 and below it. For values
 * that span decades and may change sign: accuracy drops from 0.05 to 80 points, and a layer that
 * gains a little (a negative drop).
 */
export function symlog(v: number, c: number): number {
  return Math.sign(v) * Math.log10(1 + Math.abs(v) / c);
}

export interface SymlogScale {
  /** Domain ends: 0 or ±10^k, the first power of ten at or beyond the data. */
  readonly lo: number;
  readonly hi: number;
  /** Position of v on the track, 0 (lo) to 1 (hi); values outside the domain are clamped. */
  readonly at: (v: number) => number;
  /** Position of 0: bars grow from it, right for drops, left for gains. */
  readonly zero: number;
  /** 0 and ±c·10^k inside the domain, ascending: the values the axis labels. */
  readonly ticks: readonly number[];
}

/** The first power-of-ten multiple of c at or above x (> 0): c, 10c, 100c… */
function decadeAbove(x: number, c: number): number {
  let d = c;
  while (d < x * (1 - 1e-9)) d *= 10;
  return roundDecade(d);
}

/**
 * A symlog scale over `values` (and 0), its ends rounded out to powers of ten of `c` so that the
 * track ends on a labelled tick. With no values beyond c, the domain is [0, 10c].
 */
export function symlogScale(values: readonly number[], c: number): SymlogScale {
  let min = 0;
  let max = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const hi = max > 0 ? decadeAbove(max, c) : min < 0 ? 0 : 10 * c;
  const lo = min < 0 ? -decadeAbove(-min, c) : 0;
  const t0 = symlog(lo, c);
  const span = symlog(hi, c) - t0;
  const at = (v: number) => {
    const clamped = Math.min(hi, Math.max(lo, v));
    return (symlog(clamped, c) - t0) / span;
  };
  const ticks: number[] = [];
  for (let d = -lo; d >= c * (1 - 1e-9); d /= 10) ticks.push(-roundDecade(d));
  ticks.push(0);
  for (let d = c; d <= hi * (1 + 1e-9); d *= 10) ticks.push(roundDecade(d));
  return { lo, hi, at, zero: at(0), ticks };
}

/** Removes float noise from repeated ×10 (0.1·10·10 = 10.000000000000002). */
function roundDecade(d: number): number {
  return Number(d.toPrecision(6));
}

/**
 * The ticks to label, leaving out those whose centred labels would touch a neighbour's on a track
 * `trackPx` wide (labels `charPx` per character, as `format` prints them): 0 always (the bars
 * start there), then the others outwards from 0.
 */
export function labelledTicks(
  scale: SymlogScale,
  format: (v: number) => string,
  trackPx: number,
  charPx = 6.6,
): number[] {
  const half = (t: number) => (format(t).length * charPx) / 2;
  const shown = [0];
  const outwards = scale.ticks.filter((t) => t !== 0).sort((a, b) => Math.abs(a) - Math.abs(b));
  for (const t of outwards)
    if (shown.every((s) => Math.abs(scale.at(s) - scale.at(t)) * trackPx >= half(s) + half(t) + 4))
      shown.push(t);
  return shown.sort((a, b) => a - b);
}
