import { memo, useDeferredValue, useMemo } from 'react';
import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { selectEvaluation, selectPruneSweep, selectPruneSweepCurrent } from '../state/selectors';
import { useStore } from '../state/store';
import { formatPercent } from './format';

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
  const sparsity = useDeferredValue(useStore((s) => s.config.prune.sparsity));
  const method = useDeferredValue(useStore((s) => s.config.prune.method));
  return (
    <PruneSweepChartView
      sweep={sweep}
      current={current}
      base={base}
      sparsity={sparsity}
      method={method}
    />
  );
}

const PruneSweepChartView = memo(function PruneSweepChartView({
  sweep,
  current,
  base,
  sparsity,
  method,
}: {
  sweep: ReturnType<typeof selectPruneSweep>;
  current: boolean;
  base: ReturnType<typeof selectEvaluation>;
  sparsity: number;
  method: string;
}) {
  const data = useMemo(
    () =>
      sweep?.points.map((p) => {
        const row: Record<string, number> = { sparsity: p.sparsity * 100 };
        for (const [m, a] of Object.entries(p.accuracy)) row[m] = a * 100;
        return row;
      }) ?? [],
    [sweep],
  );
  const nm = useMemo(
    () =>
      sweep?.nm.map((p) => ({
        sparsity: p.sparsity * 100,
        nm: p.accuracy * 100,
        pattern: p.pattern,
      })) ?? [],
    [sweep],
  );
  return (
    <section className="panel" aria-label="Accuracy versus sparsity">
      <h2>Accuracy vs sparsity</h2>
      <div
        className={current ? 'chart' : 'chart stale'}
        data-current={current}
        data-testid="prune-sweep"
        data-done={current && sweep?.done ? 'true' : 'false'}
        data-methods={sweep?.methods.join(',') ?? ''}
      >
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 8, right: 24, bottom: 24, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="sparsity"
              type="number"
              domain={[0, 100]}
              ticks={[0, 30, 50, 70, 80, 90, 95, 99]}
              unit="%"
              label={{ value: 'weights pruned', position: 'insideBottom', offset: -12 }}
            />
            <YAxis domain={[0, 100]} unit="%" />
            <Tooltip
              formatter={(v, name) => [formatPercent(Number(v) / 100), String(name)]}
              labelFormatter={(x) => `${String(x)}% pruned`}
            />
            <Legend verticalAlign="top" height={24} />
            {base && (
              <ReferenceLine y={base.accuracy * 100} stroke="#2f9e6e" strokeDasharray="5 4" />
            )}
            {method !== 'none' && method !== 'nm' && (
              <ReferenceLine x={sparsity * 100} stroke="#f08c00" strokeOpacity={0.6} />
            )}
            {(sweep?.methods ?? []).map((m) => (
              <Line
                key={m}
                dataKey={m}
                name={LABELS[m] ?? m}
                stroke={COLORS[m] ?? '#555'}
                strokeWidth={2}
                dot={{ r: 2 }}
                isAnimationActive={false}
                connectNulls
              />
            ))}
            {nm.length > 0 && (
              <Scatter
                data={nm}
                dataKey="nm"
                name="N:M (2:4, 1:4, 4:8)"
                fill="#f08c00"
                isAnimationActive={false}
              />
            )}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <p className="muted small">
        Each point: the full test set with that fraction of weights removed (weights otherwise
        float32, no retraining).
        {sweep?.done ? '' : ' Filling in…'}
      </p>
    </section>
  );
});
