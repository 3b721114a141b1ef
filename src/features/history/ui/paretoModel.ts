import { formatBits } from '../../../platform/shared/format';
import {
  accuracyDomain,
  logKb,
  logSizeDomain,
  logTicks,
} from '../../../platform/ui/charts/logSize';
import type { ScatterSeries } from '../../../platform/ui/charts/LineChart';
import { paretoFrontier } from '../shared/pareto';
import type { HistoryRecord } from '../shared/record';

/**
 * The history's Pareto charts as data: one per model family (records' `modelKey`), each entry a
 * numbered point (numbered by size, smallest first, as the table under the chart lists them),
 * the frontier's points filled and joined by a staircase, the others hollow.
 */

export interface ParetoRow {
  /** The point's number on the chart and in its table. */
  readonly n: number;
  readonly record: HistoryRecord;
  readonly frontier: boolean;
}

export interface ParetoGroup {
  readonly key: string;
  readonly label: string;
  /** By size, smallest first; equal sizes: the more accurate first. */
  readonly rows: readonly ParetoRow[];
  readonly points: ScatterSeries['points'];
  /** The frontier as a staircase: from each frontier point right to the next one's size, then up. */
  readonly frontierLine: readonly { readonly x: number; readonly y: number }[];
  readonly xDomain: readonly [number, number];
  readonly xTicks: readonly number[];
  readonly yDomain: readonly [number, number];
  /** The float32 model's accuracy and size, from the newest entry that measured it. */
  readonly float: { readonly accuracy: number; readonly bits: number } | null;
}

/** One short line per point: its hover text and its part of the chart's accessible name. */
export function pointLabel(row: ParetoRow): string {
  const r = row.record.results;
  return (
    `${row.n}. ${row.record.name}: ${formatBits(r.sizeBits)} (${r.ratio.toFixed(1)}× smaller than float32)` +
    `${row.frontier ? ', on the frontier' : ', dominated'}`
  );
}

/** The charts, newest model family first (the one the latest entry belongs to). */
export function paretoGroups(records: readonly HistoryRecord[]): ParetoGroup[] {
  const frontier = paretoFrontier(
    records.map((r) => ({
      id: r.id,
      group: r.modelKey,
      sizeBits: r.results.sizeBits > 0 ? r.results.sizeBits : NaN,
      accuracy: r.results.accuracy,
      createdAt: r.createdAt,
    })),
  );
  const byGroup = new Map<string, HistoryRecord[]>();
  for (const r of [...records].sort((a, b) => b.createdAt - a.createdAt)) {
    const list = byGroup.get(r.modelKey);
    if (list) list.push(r);
    else byGroup.set(r.modelKey, [r]);
  }
  return [...byGroup].map(([key, list]) => {
    const placed = list
      .filter((r) => r.results.sizeBits > 0)
      .sort(
        (a, b) =>
          a.results.sizeBits - b.results.sizeBits ||
          b.results.accuracy - a.results.accuracy ||
          a.createdAt - b.createdAt,
      );
    const rows = placed.map((record, i) => ({
      n: i + 1,
      record,
      frontier: frontier.onFrontier.has(record.id),
    }));
    const points = rows.map((row) => ({
      x: logKb(row.record.results.sizeBits),
      y: row.record.results.accuracy * 100,
      label: pointLabel(row),
      tag: String(row.n),
      muted: !row.frontier,
    }));
    const ids = frontier.byGroup.get(key) ?? [];
    const onLine = ids.map((id) => points[rows.findIndex((r) => r.record.id === id)]!);
    const frontierLine: { x: number; y: number }[] = [];
    onLine.forEach((p, i) => {
      if (i > 0) frontierLine.push({ x: p.x, y: onLine[i - 1]!.y });
      frontierLine.push({ x: p.x, y: p.y });
    });
    const withFloat = list.find((r) => r.results.floatAccuracy !== undefined);
    const xDomain = logSizeDomain(points.map((p) => p.x));
    return {
      key,
      label: list[0]!.modelLabel,
      rows,
      points,
      frontierLine,
      xDomain,
      xTicks: logTicks(xDomain[0], xDomain[1]),
      yDomain: accuracyDomain([
        ...placed.map((r) => r.results.accuracy),
        ...(withFloat ? [withFloat.results.floatAccuracy!] : []),
      ]),
      float: withFloat
        ? { accuracy: withFloat.results.floatAccuracy!, bits: withFloat.results.float32Bits }
        : null,
    };
  });
}
