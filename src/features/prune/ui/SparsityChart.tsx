import { memo, useDeferredValue } from 'react';
import type { LayerSparsity } from '../../compress';
import { selectReport, selectReportCurrent } from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { Fresh } from '../../../platform/ui/Fresh';
import { formatInt, formatPercent } from '../../../platform/shared/format';
import { PairedBar } from '../../../platform/ui/charts/PairedBar';

/**
 * Sparsity per layer: what each layer lost, next to what it was asked to lose. "Lost" counts every
 * weight really gone, including (structured pruning with the biases removed) the weights that read
 * a unit removed in the layer before: so fc2 of the MLP at 50% loses 75%, and the output layer,
 * never pruned itself, loses the inputs from fc2's removed units.
 */
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
                <i style={{ background: '#7c5cd6' }} /> achieved (weights removed)
              </span>
              <span>
                <i style={{ background: '#c9d0dc' }} /> target (the layer&apos;s own)
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
        <p className="muted small" data-testid="sparsity-overall">
          Overall: {formatPercent(report.sparsity, 1)} of all kernel weights removed
          {report.total > 0 ? ` (${formatInt(report.pruned)} of ${formatInt(report.total)})` : ''}.
          {inputCut(report.layers)}
          {report.layers.some((l) => l.effectiveShape)
            ? ` Shapes after removing units: ${report.layers.map((l) => `${l.name} ${l.effectiveShape?.join('×') ?? ''}${l.constantUnits > 0 ? ` (+${l.constantUnits} constant units)` : ''}`).join(', ')}.`
            : ''}
        </p>
      )}
    </section>
  );
});

/** The share of the removed weights that went with units removed upstream, if any. */
function inputCut(layers: readonly LayerSparsity[]): string {
  const own = layers.reduce((a, l) => a + l.ownPruned, 0);
  const cut = layers.reduce((a, l) => a + l.inputPruned, 0);
  return cut > 0
    ? ` Of these, ${formatInt(own)} in the removed units themselves and ${formatInt(cut)} that read a unit removed in the layer before.`
    : '';
}

function describe(layers: readonly LayerSparsity[]): string {
  return `Sparsity per layer: ${layers
    .map(
      (l) =>
        `${l.name} ${formatPercent(l.sparsity, 1)}${
          l.skipped
            ? l.inputPruned > 0
              ? ' (not pruned itself; inputs cut)'
              : ' (left dense)'
            : ''
        }`,
    )
    .join(', ')}`;
}
