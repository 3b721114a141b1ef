import { memo, useDeferredValue, useMemo } from 'react';
import { SWEEP_BITS } from '../state/controller';
import { selectEvaluation, selectSweep, selectSweepCurrent } from '../state/selectors';
import { useStore } from '../state/store';
import { formatPercent } from './format';
import { LineChart, useBaseline } from './LineChart';
import type { LineSeries } from './LineChart';
import { useDim } from './useDim';

const X_DOMAIN = [1, 8] as const;
const X_TICKS = [...SWEEP_BITS].reverse();
/** 2, 4 and 8 bits are drawn bold: the widths real hardware and toolkits use. */
const MARKED_BITS = [2, 4, 8];
const Y_DOMAIN = [0, 100] as const;

/** Accuracy against bit-width for the current scheme: weight-only PTQ and weights + activations. */
export function SweepChart() {
  // Deferred + memoized view: new results draw in an interruptible background render.
  const sweep = useDeferredValue(useStore(selectSweep));
  const current = useDeferredValue(useStore(selectSweepCurrent));
  const base = useDeferredValue(useStore(selectEvaluation));
  // No marker for the current bit-width: the chart would redraw at every step of a slider drag.
  return <SweepChartView sweep={sweep} current={current} base={base} />;
}

const SweepChartView = memo(function SweepChartView({
  sweep,
  current,
  base,
}: {
  sweep: ReturnType<typeof selectSweep>;
  current: boolean;
  base: ReturnType<typeof selectEvaluation>;
}) {
  const series = useMemo((): LineSeries[] => {
    const points = [...(sweep?.points ?? [])].sort((a, b) => a.bits - b.bits);
    return [
      {
        key: 'weightOnly',
        name: 'weights only (W·A32)',
        color: '#3b6fd8',
        points: points.map((p) => ({
          x: p.bits,
          y: p.weightOnly === null ? null : p.weightOnly * 100,
        })),
      },
      {
        key: 'weightAct',
        name: `weights + activations (W·A${sweep?.actBits ?? 8})`,
        color: '#c2255c',
        points: points.map((p) => ({
          x: p.bits,
          y: p.weightAct === null ? null : p.weightAct * 100,
        })),
      },
    ];
  }, [sweep]);
  const hLines = useBaseline(base?.accuracy ?? null);
  const dim = useDim(current);
  const done = current && (sweep?.done ?? false);
  return (
    <section className="panel" aria-label="Accuracy versus bit-width">
      <h2>Accuracy vs bit-width</h2>
      <div
        className={dim ? 'chart stale' : 'chart'}
        data-current={current}
        data-testid="sweep-chart"
        data-points={sweep?.points.length ?? 0}
        data-done={done ? 'true' : 'false'}
      >
        <LineChart
          xDomain={X_DOMAIN}
          xTicks={X_TICKS}
          xMarked={MARKED_BITS}
          xLabel="weight bits (1 = binary)"
          formatX={String}
          describeX={(b) => `${b} bit${b === 1 ? ' (binary)' : 's'}`}
          yDomain={Y_DOMAIN}
          formatY={(v) => `${Math.round(v)}%`}
          describeY={(v) => formatPercent(v / 100)}
          series={series}
          hLines={hLines}
        />
      </div>
      <p className="muted small">
        Each point is the full test set, measured with the current scheme, granularity and
        calibration; per-layer overrides are not applied here. {done ? '' : 'Filling in…'}
      </p>
      <p className="small" data-testid="sweep-references">
        16-bit references (weights only): float16{' '}
        {sweep?.references.float16 !== undefined ? formatPercent(sweep.references.float16) : '…'},
        bfloat16{' '}
        {sweep?.references.bfloat16 !== undefined ? formatPercent(sweep.references.bfloat16) : '…'}
        {base ? `, float32 ${formatPercent(base.accuracy)}` : ''}.
      </p>
    </section>
  );
});
