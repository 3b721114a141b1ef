import { memo, useDeferredValue, useMemo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { selectReport, selectReportCurrent } from '../state/selectors';
import { useStore } from '../state/store';
import { Fresh } from './Fresh';
import { formatPercent } from './format';

/** Sparsity per layer: what each layer lost, next to what it was asked to lose. */
export function SparsityChart() {
  // Deferred + memoized view: new results draw in an interruptible background render.
  const report = useDeferredValue(useStore(selectReport));
  return <SparsityChartView report={report} />;
}

const SparsityChartView = memo(function SparsityChartView({
  report,
}: {
  report: ReturnType<typeof selectReport>;
}) {
  const data = useMemo(
    () =>
      report?.layers.map((l) => ({
        name: l.name,
        achieved: Number((l.sparsity * 100).toFixed(2)),
        target: l.skipped ? 0 : Number((l.targetSparsity * 100).toFixed(2)),
      })) ?? [],
    [report],
  );
  return (
    <section className="panel" aria-label="Sparsity per layer">
      <h2>Sparsity per layer</h2>
      <Fresh
        select={selectReportCurrent}
        className="chart short"
        data-testid="sparsity-chart"
        data-sparsity={report ? report.sparsity.toFixed(4) : ''}
      >
        {report ? (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="name" />
              <YAxis domain={[0, 100]} unit="%" />
              <Tooltip formatter={(v, name) => [`${String(v)}%`, String(name)]} />
              <Legend verticalAlign="top" height={24} />
              <Bar dataKey="target" name="target" fill="#c9d0dc" isAnimationActive={false} />
              <Bar
                dataKey="achieved"
                name="achieved (pruned weights)"
                fill="#7c5cd6"
                isAnimationActive={false}
              />
            </BarChart>
          </ResponsiveContainer>
        ) : (
          <p className="muted">Pruning…</p>
        )}
      </Fresh>
      {report && (
        <p className="muted small">
          Overall: {formatPercent(report.sparsity, 1)} of all kernel weights pruned.
          {report.layers.some((l) => l.effectiveShape)
            ? ` Shapes after removing units: ${report.layers.map((l) => `${l.name} ${l.effectiveShape?.join('×') ?? ''}`).join(', ')}.`
            : ''}
        </p>
      )}
    </section>
  );
});
