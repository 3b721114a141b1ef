import { memo, useDeferredValue, useMemo } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { XAxisTickContentProps } from 'recharts';
import { SWEEP_BITS } from '../state/controller';
import { selectEvaluation, selectSweep, selectSweepCurrent } from '../state/selectors';
import { useStore } from '../state/store';
import { formatPercent } from './format';

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
  const data = useMemo(
    () =>
      (sweep?.points ?? [])
        .map((p) => ({
          bits: p.bits,
          weightOnly: p.weightOnly === null ? null : p.weightOnly * 100,
          weightAct: p.weightAct === null ? null : p.weightAct * 100,
        }))
        .sort((a, b) => a.bits - b.bits),
    [sweep],
  );
  const done = current && (sweep?.done ?? false);
  return (
    <section className="panel" aria-label="Accuracy versus bit-width">
      <h2>Accuracy vs bit-width</h2>
      <div
        className={current ? 'chart' : 'chart stale'}
        data-current={current}
        data-testid="sweep-chart"
        data-points={sweep?.points.length ?? 0}
        data-done={done ? 'true' : 'false'}
      >
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 24, bottom: 24, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="bits"
              type="number"
              domain={[1, 8]}
              ticks={[...SWEEP_BITS].reverse()}
              tick={MarkedTick}
              label={{ value: 'weight bits (1 = binary)', position: 'insideBottom', offset: -12 }}
            />
            <YAxis domain={[0, 100]} unit="%" />
            <Tooltip
              formatter={(v, name) => [
                v === null ? '—' : formatPercent(Number(v) / 100),
                String(name),
              ]}
              labelFormatter={(b) => `${String(b)} bits`}
            />
            <Legend verticalAlign="top" height={24} />
            {base && (
              <ReferenceLine
                y={base.accuracy * 100}
                stroke="#2f9e6e"
                strokeDasharray="5 4"
                label={{
                  value: `float32 ${formatPercent(base.accuracy)}`,
                  position: 'insideBottomLeft',
                  fill: '#2f9e6e',
                  fontSize: 12,
                }}
              />
            )}
            <Line
              dataKey="weightOnly"
              name="weights only (W·A32)"
              stroke="#3b6fd8"
              strokeWidth={2}
              isAnimationActive={false}
              connectNulls
            />
            <Line
              dataKey="weightAct"
              name={`weights + activations (W·A${sweep?.actBits ?? 8})`}
              stroke="#c2255c"
              dot={{ r: 3 }}
              strokeWidth={2}
              isAnimationActive={false}
              connectNulls
            />
          </LineChart>
        </ResponsiveContainer>
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

/** Axis ticks with 2, 4 and 8 bits in bold: the widths real hardware and toolkits use. */
function MarkedTick(props: XAxisTickContentProps) {
  const x = Number(props.x);
  const y = Number(props.y);
  const value = Number(props.payload.value);
  const marked = [2, 4, 8].includes(value);
  return (
    <text
      x={x}
      y={y + 14}
      textAnchor="middle"
      fontSize={12}
      fontWeight={marked ? 700 : 400}
      fill={marked ? '#1d2330' : '#5c6577'}
    >
      {value}
    </text>
  );
}
