import { memo, useDeferredValue, useMemo } from 'react';
import { selectSummary } from '../../../platform/state/selectors';
import type { Experiment } from '../../../platform/state/store';
import { useStore } from '../../../platform/state/store';
import { formatPercent } from '../../../platform/shared/format';
import { LineChart } from '../../../platform/ui/charts/LineChart';
import type { LineSeries } from '../../../platform/ui/charts/LineChart';
import {
  accuracyDomain,
  formatKb,
  logSizeDomain,
  logTicks,
} from '../../../platform/ui/charts/logSize';
import '../../../platform/ui/charts/charts.css';

/** Every configuration measured this session: accuracy against true size. */
export function ExperimentsScatter() {
  // Deferred + memoized view: new results draw in an interruptible background render.
  const summary = useDeferredValue(useStore(selectSummary));
  const experiments = useDeferredValue(useStore((s) => s.experiments));
  return <ExperimentsScatterView summary={summary} experiments={experiments} />;
}

const ExperimentsScatterView = memo(function ExperimentsScatterView({
  summary,
  experiments,
}: {
  summary: ReturnType<typeof selectSummary>;
  experiments: readonly Experiment[];
}) {
  const chart = useMemo(() => {
    const rows = experiments
      .filter((e) => e.model === summary?.id)
      .map((e, i) => ({
        n: i + 1,
        label: e.label,
        accuracy: e.accuracy,
        kb: e.sizeBits / 8000,
        ratio: e.float32Bits / e.sizeBits,
      }));
    const points = rows.map((r) => ({
      // log10 of the size in KB: the axis is logarithmic.
      x: Math.log10(r.kb),
      y: r.accuracy * 100,
      label: `${r.n}. ${r.label}: ${formatPercent(r.accuracy)} · ${formatKb(r.kb)} · ${r.ratio.toFixed(1)}× smaller`,
      // The number of the row in the table below.
      tag: String(r.n),
    }));
    // At least half a decade either side, so that a lone point still gets ticks around it.
    const xDomain = logSizeDomain(points.map((p) => p.x));
    return {
      rows,
      points,
      xDomain,
      // Powers of ten and their 2× and 5× inside the range.
      xTicks: logTicks(xDomain[0], xDomain[1]),
      yDomain: accuracyDomain(rows.map((r) => r.accuracy)),
    };
  }, [experiments, summary]);
  const scatter = useMemo(
    () => ({ name: 'measured configurations', color: '#3b6fd8', points: chart.points }),
    [chart],
  );
  const n = chart.rows.length;
  return (
    <section className="panel" aria-label="Accuracy versus size">
      <h2>Accuracy vs size, this session</h2>
      <div className="chart short" data-testid="experiments-scatter" data-count={n}>
        <LineChart
          title="Accuracy vs true size, configurations measured this session"
          ariaLabel={`Accuracy vs true size of the ${n} configuration${n === 1 ? '' : 's'} measured this session, numbered as in the table below`}
          xDomain={chart.xDomain}
          xTicks={chart.xTicks}
          xLabel="true size (log scale)"
          formatX={(v) => formatKb(10 ** v)}
          yDomain={chart.yDomain}
          formatY={(v) => `${Math.round(v)}%`}
          series={NO_SERIES}
          scatter={scatter}
        />
      </div>
      {n > 0 ? (
        // A region of its own that scrolls past a dozen rows; focusable so that the keyboard can
        // scroll it too.
        <div
          className="experiments-wrap"
          role="region"
          aria-label="Measured configurations"
          tabIndex={0}
        >
          <table className="experiments-table" data-testid="experiments-table">
            <caption className="muted small">
              Each dot is numbered as its row: a configuration you measured on the full test set.
            </caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">configuration</th>
                <th scope="col" className="num">
                  accuracy
                </th>
                <th scope="col" className="num">
                  size
                </th>
                <th scope="col" className="num">
                  vs float32
                </th>
              </tr>
            </thead>
            <tbody>
              {chart.rows.map((r) => (
                <tr key={r.n}>
                  <td>{r.n}</td>
                  <td>{r.label}</td>
                  <td className="num">{formatPercent(r.accuracy)}</td>
                  <td className="num">{formatKb(r.kb)}</td>
                  <td className="num">{r.ratio.toFixed(1)}× smaller</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted small">
          Each configuration you measure on the full test set joins this chart, numbered, with a row
          in a table here.
        </p>
      )}
    </section>
  );
});

const NO_SERIES: LineSeries[] = [];
