import { memo, useDeferredValue, useMemo } from 'react';
import { selectEvaluation, selectSummary } from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { formatInt, formatPercent } from '../../../platform/shared/format';
import { perClassAccuracy } from '../../../platform/shared/metrics';

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
  const rows = useMemo(() => {
    if (!evaluation || !summary) return [];
    const acc = perClassAccuracy(evaluation.confusion, evaluation.numClasses);
    return acc.map((a, i) => ({ name: summary.dataset.classes[i] ?? String(i), accuracy: a }));
  }, [evaluation, summary]);
  if (!summary) return null;
  const worst = rows.reduce(
    (w, r) => (w === null || r.accuracy < w.accuracy ? r : w),
    null as {
      name: string;
      accuracy: number;
    } | null,
  );
  // Horizontal bars with the class names as row labels: names such as "T-shirt/top" and "Ankle
  // boot" do not fit under vertical bars. Bars start at 0%, so their lengths compare honestly;
  // the values are printed.
  return (
    <section className="panel" aria-label="Accuracy per class">
      <h2>Accuracy per class</h2>
      {evaluation ? (
        <>
          <div
            className="hbars class-bars"
            data-testid="per-class"
            role="img"
            aria-label={`Accuracy per class of the float32 model on ${formatInt(evaluation.count)} test images: ${rows
              .map((r) => `${r.name} ${formatPercent(r.accuracy, 1)}`)
              .join(', ')}`}
          >
            {rows.map((r) => (
              <div key={r.name} className="hbar-row">
                <span className="hbar-label">{r.name}</span>
                <span className="hbar-track">
                  <span
                    className="hbar"
                    style={{ width: `${r.accuracy * 100}%`, background: '#2f9e6e' }}
                  />
                </span>
                <span className="hbar-value">{formatPercent(r.accuracy, 1)}</span>
              </div>
            ))}
          </div>
          <p className="muted small">
            The trained float32 model on {formatInt(evaluation.count)} test images
            {evaluation.count < summary.dataset.test.count ? ' (a quick estimate)' : ''}.
            {worst ? ` Hardest class: ${worst.name}.` : ''}
          </p>
        </>
      ) : (
        <p className="muted">Evaluating…</p>
      )}
    </section>
  );
});
