import { memo, useDeferredValue, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { selectEvaluation, selectSummary } from '../state/selectors';
import { useStore } from '../state/store';
import { formatPercent } from './format';
import { perClassAccuracy } from '../core/metrics';

export function PerClassAccuracy() {
  // Deferred + memoized view: new results draw in an interruptible background render.
  const evaluation = useDeferredValue(useStore(selectEvaluation));
  const summary = useDeferredValue(useStore(selectSummary));
  return <PerClassAccuracyView evaluation={evaluation} summary={summary} />;
}

const PerClassAccuracyView = memo(function PerClassAccuracyView({
  evaluation,
  summary,
}: {
  evaluation: ReturnType<typeof selectEvaluation>;
  summary: ReturnType<typeof selectSummary>;
}) {
  const data = useMemo(() => {
    if (!evaluation || !summary) return [];
    const acc = perClassAccuracy(evaluation.confusion, evaluation.numClasses);
    return acc.map((a, i) => ({
      name: summary.dataset.classes[i] ?? String(i),
      accuracy: a * 100,
    }));
  }, [evaluation, summary]);
  if (!summary) return null;
  return (
    <section className="panel" aria-label="Accuracy per class">
      <h2>Accuracy per class</h2>
      <div className="chart short" data-testid="per-class">
        {evaluation ? (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="name" interval={0} tick={{ fontSize: 11 }} />
              <YAxis
                domain={[(min: number) => Math.max(0, Math.floor(min / 5) * 5 - 5), 100]}
                unit="%"
              />
              <Tooltip formatter={(v) => [formatPercent(Number(v) / 100), 'accuracy']} />
              <Bar dataKey="accuracy" fill="#2f9e6e" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        ) : (
          <p className="muted">Evaluating…</p>
        )}
      </div>
    </section>
  );
});
