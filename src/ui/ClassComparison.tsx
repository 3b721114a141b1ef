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
import { selectEvaluation, selectQuantEvaluation, selectSummary } from '../state/selectors';
import { useStore } from '../state/store';
import { perClassAccuracy } from '../core/metrics';
import { formatPercent } from './format';

/** Which classes pay for the compression: per-class accuracy, original vs compressed. */
export function ClassComparison() {
  // Deferred + memoized view: new results draw in an interruptible background render.
  const summary = useDeferredValue(useStore(selectSummary));
  const base = useDeferredValue(useStore(selectEvaluation));
  const quant = useDeferredValue(useStore(selectQuantEvaluation));
  return <ClassComparisonView summary={summary} base={base} quant={quant} />;
}

const ClassComparisonView = memo(function ClassComparisonView({
  summary,
  base,
  quant,
}: {
  summary: ReturnType<typeof selectSummary>;
  base: ReturnType<typeof selectEvaluation>;
  quant: ReturnType<typeof selectQuantEvaluation>;
}) {
  const data = useMemo(() => {
    if (!summary || !base) return [];
    const a = perClassAccuracy(base.confusion, base.numClasses);
    const b = quant ? perClassAccuracy(quant.confusion, quant.numClasses) : null;
    return a.map((acc, i) => ({
      name: summary.dataset.classes[i] ?? String(i),
      original: acc * 100,
      compressed: b ? b[i]! * 100 : null,
    }));
  }, [summary, base, quant]);
  if (!summary) return null;
  return (
    <section className="panel" aria-label="Per-class accuracy comparison">
      <h2>Accuracy per class: float32 vs compressed</h2>
      <div className="chart short" data-testid="class-comparison">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" interval={0} tick={{ fontSize: 11 }} />
            <YAxis domain={[0, 100]} unit="%" />
            <Tooltip
              formatter={(v, name) => [
                v === null ? '—' : formatPercent(Number(v) / 100),
                String(name),
              ]}
            />
            <Legend verticalAlign="top" height={24} />
            <Bar dataKey="original" name="float32" fill="#8a94a8" isAnimationActive={false} />
            <Bar dataKey="compressed" name="compressed" fill="#3b6fd8" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
});
