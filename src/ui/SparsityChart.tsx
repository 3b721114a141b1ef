import { memo, useDeferredValue } from 'react';
import type { LayerSparsity } from '../worker/inspect';
import { selectReport, selectReportCurrent } from '../state/selectors';
import { useStore } from '../state/store';
import { Fresh } from './Fresh';
import { formatPercent } from './format';
import { PairedBar } from './PairedBar';

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
  // Plain HTML bars, like the SQNR chart: this chart changes at every step of a sparsity drag,
  // and as a recharts BarChart each redraw was a 50–60 ms main-thread task.
  return (
    <section className="panel" aria-label="Sparsity per layer">
      <h2>Sparsity per layer</h2>
      <Fresh
        select={selectReportCurrent}
        className="sparsity-bars"
        data-testid="sparsity-chart"
        data-sparsity={report ? report.sparsity.toFixed(4) : ''}
      >
        {report ? (
          <>
            <div className="legend" aria-hidden="true">
              <span>
                <i style={{ background: '#7c5cd6' }} /> achieved (pruned weights)
              </span>
              <span>
                <i style={{ background: '#c9d0dc' }} /> target
              </span>
            </div>
            <div className="hbars" role="img" aria-label={describe(report.layers)}>
              {report.layers.map((l) => (
                <div key={l.name} className="hbar-row">
                  <span className="hbar-label">{l.name}</span>
                  <PairedBar
                    top={{ fraction: l.sparsity, color: '#7c5cd6' }}
                    bottom={{ fraction: l.skipped ? 0 : l.targetSparsity, color: '#c9d0dc' }}
                  />
                  <span className="hbar-value">{formatPercent(l.sparsity, 1)}</span>
                </div>
              ))}
            </div>
          </>
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

function describe(layers: readonly LayerSparsity[]): string {
  return `Sparsity per layer: ${layers
    .map((l) => `${l.name} ${formatPercent(l.sparsity, 1)}${l.skipped ? ' (left dense)' : ''}`)
    .join(', ')}`;
}
