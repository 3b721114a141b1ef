import { memo, useDeferredValue, useMemo } from 'react';
import {
  selectEvaluation,
  selectPruneSweep,
  selectPruneSweepCurrent,
  selectTestCount,
} from '../../../platform/state/selectors';
import type { State } from '../../../platform/state/store';
import { useStore } from '../../../platform/state/store';
import { formatPercent } from '../../../platform/shared/format';
import { LineChart, XMarker, useBaseline } from '../../../platform/ui/charts/LineChart';
import type {
  LineSeries,
  PlotGeometry,
  ScatterSeries,
} from '../../../platform/ui/charts/LineChart';
import { pruneSweepCaption } from '../../compress/ui';
import { useDim } from '../../../platform/ui/useDim';
import { EstimatesNote } from '../../../platform/ui/charts/EstimatesNote';
import { JobControl } from '../../../platform/ui/JobControl';
import { pruneSweepKey } from '../../../platform/state/keys';

const selectPruneSweepKey = (s: State) => pruneSweepKey(s.config);

const X_DOMAIN = [0, 100] as const;
const X_TICKS = [0, 30, 50, 70, 80, 90, 95, 99];
const Y_DOMAIN = [0, 100] as const;

const COLORS: Record<string, string> = {
  magnitude: '#3b6fd8',
  global: '#2f9e6e',
  structured: '#7c5cd6',
  random: '#c92a2a',
};

const LABELS: Record<string, string> = {
  magnitude: 'magnitude, layer-wise',
  global: 'magnitude, global',
  structured: 'structured (units)',
  random: 'random',
};

/** Accuracy against sparsity, one line per method, N:M patterns as points. */
export function PruneSweepChart() {
  // Deferred + memoized view: new results draw in an interruptible background render.
  const sweep = useDeferredValue(useStore(selectPruneSweep));
  const current = useDeferredValue(useStore(selectPruneSweepCurrent));
  const base = useDeferredValue(useStore(selectEvaluation));
  // The current sparsity is not a prop: its marker subscribes by itself, so a slider step
  // redraws one line instead of the whole chart (a 50–120 ms task as a recharts ReferenceLine).
  // The caption is a string that does not depend on the sparsity either.
  const caption = useStore(selectCaption);
  const testCount = useStore(selectTestCount);
  return (
    <PruneSweepChartView
      sweep={sweep}
      current={current}
      base={base}
      caption={caption}
      testCount={testCount}
    />
  );
}

const selectCaption = (s: State) => pruneSweepCaption(s.config);

const PruneSweepChartView = memo(function PruneSweepChartView({
  sweep,
  current,
  base,
  caption,
  testCount,
}: {
  sweep: ReturnType<typeof selectPruneSweep>;
  current: boolean;
  base: ReturnType<typeof selectEvaluation>;
  caption: string;
  testCount: number | null;
}) {
  const dim = useDim(current);
  const series = useMemo(
    (): LineSeries[] =>
      (sweep?.methods ?? []).map((m) => ({
        key: m,
        name: LABELS[m] ?? m,
        color: COLORS[m] ?? '#555',
        points: (sweep?.points ?? []).map((p) => {
          const x = p.sparsity * 100;
          const whole = p.accuracy[m];
          const estimate = p.estimate?.[m];
          if (whole !== undefined) return { x, y: whole * 100 };
          return estimate === undefined ? { x, y: null } : { x, y: estimate * 100, estimate: true };
        }),
      })),
    [sweep],
  );
  const scatter = useMemo(
    (): ScatterSeries => ({
      name: 'N:M (2:4, 1:4, 4:8)',
      color: '#f08c00',
      points:
        sweep?.nm.map((p) => ({
          x: p.sparsity * 100,
          y: p.accuracy * 100,
          label: p.pattern,
          tag: p.pattern,
        })) ?? [],
    }),
    [sweep],
  );
  const hLines = useBaseline(base?.accuracy ?? null);
  return (
    <section className="panel" aria-label="Accuracy versus sparsity">
      <h2>Accuracy vs sparsity</h2>
      <div
        className={dim ? 'chart stale' : 'chart'}
        data-current={current}
        data-testid="prune-sweep"
        data-done={current && sweep?.done ? 'true' : 'false'}
        data-methods={sweep?.methods.join(',') ?? ''}
      >
        <LineChart
          title="Accuracy vs fraction of weights pruned, per pruning method"
          xDomain={X_DOMAIN}
          xTicks={X_TICKS}
          xLabel="weights pruned"
          formatX={(v) => `${v}%`}
          describeX={(v) => `${v}% of weights pruned`}
          yDomain={Y_DOMAIN}
          formatY={(v) => `${Math.round(v)}%`}
          describeY={(v) => formatPercent(v / 100)}
          series={series}
          scatter={scatter}
          hLines={hLines}
          Overlay={CurrentSparsityMarker}
        />
      </div>
      <p className="muted small" data-testid="prune-sweep-caption">
        {caption}
      </p>
      {sweep?.estimatedOn !== undefined && sweep.points.some((p) => p.estimate) && (
        <EstimatesNote on={sweep.estimatedOn} of={testCount} testId="prune-sweep-estimates" />
      )}
      <JobControl name="pruneSweep" keyOf={selectPruneSweepKey} what="sparsity sweep" />
    </section>
  );
});

const selectSparsity = (s: State) =>
  s.config.prune.method === 'none' || s.config.prune.method === 'nm'
    ? null
    : s.config.prune.sparsity;

/** The configured sparsity, as a vertical line in the chart's x scale. */
function CurrentSparsityMarker({ g }: { g: PlotGeometry }) {
  const sparsity = useStore(selectSparsity);
  if (sparsity === null) return null;
  return (
    <XMarker
      g={g}
      x={sparsity * 100}
      className="current-sparsity"
      label={`now: ${formatPercent(sparsity, sparsity >= 0.9 ? 1 : 0)}`}
    />
  );
}
