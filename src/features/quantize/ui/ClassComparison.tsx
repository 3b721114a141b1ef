import { memo, useDeferredValue, useMemo } from 'react';
import {
  selectEvaluation,
  selectQuantEvaluation,
  selectSummary,
} from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { perClassAccuracy } from '../../../platform/shared/metrics';
import { formatPercent } from '../../../platform/shared/format';
import { PairedBar } from '../../../platform/ui/charts/PairedBar';

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
  const rows = useMemo(() => {
    if (!summary || !base) return [];
    const a = perClassAccuracy(base.confusion, base.numClasses);
    const b = quant ? perClassAccuracy(quant.confusion, quant.numClasses) : null;
    return a.map((acc, i) => ({
      name: summary.dataset.classes[i] ?? String(i),
      original: acc,
      compressed: b ? b[i]! : null,
    }));
  }, [summary, base, quant]);
  if (!summary) return null;
  // Plain HTML bars: this chart changes with every accuracy that arrives while a slider moves,
  // and as a recharts BarChart its redraw was a main-thread task of over 50 ms.
  return (
    <section className="panel" aria-label="Per-class accuracy comparison">
      <h2>Accuracy per class: float32 vs compressed</h2>
      <div className="legend" aria-hidden="true">
        <span>
          <i style={{ background: '#8a94a8' }} /> float32
        </span>
        <span>
          <i style={{ background: '#3b6fd8' }} /> compressed
        </span>
      </div>
      <div
        className="hbars class-bars"
        data-testid="class-comparison"
        role="img"
        aria-label={`Accuracy per class, float32 vs compressed: ${rows
          .map(
            (r) =>
              `${r.name} ${formatPercent(r.original, 1)} vs ${r.compressed === null ? 'pending' : formatPercent(r.compressed, 1)}`,
          )
          .join(', ')}`}
      >
        {rows.map((r) => (
          <div key={r.name} className="hbar-row">
            <span className="hbar-label">{r.name}</span>
            <PairedBar
              top={{ fraction: r.original, color: '#8a94a8' }}
              bottom={{ fraction: r.compressed ?? 0, color: '#3b6fd8' }}
            />
            <span
              className={
                r.compressed !== null && r.compressed < r.original - 0.02
                  ? 'hbar-value bad'
                  : 'hbar-value'
              }
            >
              {r.compressed === null ? '…' : formatPercent(r.compressed, 1)}
              {/* Not by colour alone: a drop of over 2 points also says so in text. */}
              {r.compressed !== null && r.compressed < r.original - 0.02 && (
                <> ▼{((r.original - r.compressed) * 100).toFixed(1)}</>
              )}
            </span>
          </div>
        ))}
      </div>
      <p className="muted small">
        Right: the compressed model&apos;s accuracy on each class (red, with ▼ and the points lost,
        where it lost more than 2 points). Compression rarely hurts all classes alike.
      </p>
    </section>
  );
});
