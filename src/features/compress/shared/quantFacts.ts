import { formatInt, formatNumber } from '../../../platform/shared/format';
import type { WeightInspection } from './inspect';

/**
 * The numbers behind the weight histogram, in the toolkits' words, as (term, value) rows. Pure,
 * so that each row can be checked against the data it describes: binary and ternary have no
 * clip range (they saturate by design), binary has two codes, and "orange lines" are named only
 * when the chart draws them.
 */

/** More grid lines than this would paint the chart solid: they are described instead. */
export const MAX_LEVEL_LINES = 40;

export interface Fact {
  readonly term: string;
  readonly value: string;
}

/** The grid lines the histogram draws for this inspection (null: none). */
export function drawnLevels(i: WeightInspection): ArrayLike<number> | null {
  return i.levels && i.levels.length <= MAX_LEVEL_LINES ? i.levels : null;
}

/** The clip range the histogram shades, per tensor and for uniform grids only. */
export function drawnClip(i: WeightInspection): { min: number; max: number } | null {
  if (i.kind !== 'uniform' || !i.clipMin || !i.clipMax || i.clipMin.length !== 1) return null;
  return { min: i.clipMin[0]!, max: i.clipMax[0]! };
}

function range(values: ArrayLike<number>, digits: number): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < values.length; k++) {
    lo = Math.min(lo, values[k]!);
    hi = Math.max(hi, values[k]!);
  }
  return lo === hi
    ? formatNumber(lo, digits)
    : `${formatNumber(lo, digits)} … ${formatNumber(hi, digits)}`;
}

/** An integer with a real minus sign (U+2212), as the rest of the text. */
function signed(n: number): string {
  return n < 0 ? `−${-n}` : String(n);
}

export function quantFacts(i: WeightInspection): Fact[] {
  const facts: Fact[] = [];
  const e = i.error;
  const scale = i.scale;
  const perChannel = scale !== null && scale.length > 1;
  const channels = perChannel ? ` (${scale.length} output channels)` : '';
  switch (i.kind) {
    case 'uniform': {
      if (scale && i.zeroPoint) {
        facts.push({
          term: perChannel ? 'scales s' : 'scale s',
          value: range(scale, 5) + channels,
        });
        facts.push({
          term: perChannel ? 'zero-points z' : 'zero-point z',
          value: range(i.zeroPoint, 0),
        });
      }
      if (i.qmin !== null && i.qmax !== null)
        facts.push({ term: 'codes', value: `${signed(i.qmin)} … ${signed(i.qmax)}` });
      const clip = drawnClip(i);
      if (clip)
        facts.push({
          term: 'clip range',
          value: `[${formatNumber(clip.min, 4)}, ${formatNumber(clip.max, 4)}] (red dashes)`,
        });
      facts.push({
        term: 'clipped',
        value: `${formatInt(e.clipped)} weights (more than half a step beyond the range)`,
      });
      break;
    }
    case 'binary':
      if (scale) facts.push({ term: 'scale α = mean|w|', value: range(scale, 5) + channels });
      facts.push({ term: 'codes', value: '−1, +1 (the sign of w): 1 bit' });
      facts.push({ term: 'clipping', value: 'none: every weight becomes ±α by design' });
      break;
    case 'ternary':
      if (scale) facts.push({ term: 'scale α', value: range(scale, 5) + channels });
      facts.push({ term: 'codes', value: '−1, 0, +1 (threshold 0.7·mean|w|)' });
      if (i.zeroed !== null)
        facts.push({
          term: 'set to 0',
          value: `${formatInt(i.zeroed)} weights below the threshold`,
        });
      break;
    case 'cluster':
      if (i.centroids !== null)
        facts.push({
          term: 'shared values',
          value: `${formatInt(i.centroids)} centroids (k-means)`,
        });
      break;
    case 'float16':
    case 'bfloat16':
    case 'float32':
      break;
  }
  const lines = drawnLevels(i);
  const levelsNote =
    i.levels && !lines
      ? ` (${i.levels.length} grid levels: too many to draw as lines)`
      : lines
        ? ' (orange lines)'
        : '';
  facts.push({
    term: 'distinct values',
    value: `${e.levels === null ? 'float: no grid' : formatInt(e.levels)}${levelsNote}`,
  });
  facts.push({
    term: 'SQNR',
    value: Number.isFinite(e.sqnrDb) ? `${e.sqnrDb.toFixed(1)} dB` : '∞ (exact)',
  });
  facts.push({ term: 'max |error|', value: formatNumber(e.maxAbsError, 5) });
  return facts;
}
