import { memo, useMemo } from 'react';
import { formatBits, formatPercent } from '../../../platform/shared/format';
import { LineChart, useBaseline } from '../../../platform/ui/charts/LineChart';
import type { LineSeries } from '../../../platform/ui/charts/LineChart';
import { formatKb } from '../../../platform/ui/charts/logSize';
import '../../../platform/ui/charts/charts.css';
import type { ParetoGroup } from './paretoModel';

const COLOR = '#2f63c9';

/**
 * One model family's entries: accuracy on the full test set against true packed size (log
 * scale). The frontier — entries no other of the same model beats on both — is filled and joined
 * by a staircase; the rest are rings. Every point is numbered as its row in the table below.
 */
export const ParetoChart = memo(function ParetoChart({ group }: { group: ParetoGroup }) {
  const series = useMemo<LineSeries[]>(
    () =>
      group.frontierLine.length > 0
        ? [
            {
              key: 'frontier',
              name: 'Pareto frontier',
              color: COLOR,
              points: group.frontierLine,
              marker: 'none',
            },
          ]
        : [],
    [group],
  );
  const scatter = useMemo(
    () => ({ name: 'saved entries (filled: on the frontier)', color: COLOR, points: group.points }),
    [group],
  );
  const baseline = useBaseline(group.float?.accuracy ?? null);
  const n = group.rows.length;
  const onFrontier = group.rows.filter((r) => r.frontier).length;
  const headingId = `pareto-${group.key.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Pareto chart: {group.label}</h2>
      <p className="muted small">
        Accuracy on the full test set against true size (packed codes, scales, sparse indices and
        biases; log scale). Filled dots are on the frontier: no other entry of this model is both
        smaller and at least as accurate. Rings are dominated.
        {group.float
          ? ` The dashed line is the float32 model (${formatBits(group.float.bits)}).`
          : ''}
      </p>
      <div
        className="chart"
        data-testid="pareto-chart"
        data-model={group.key}
        data-points={n}
        data-frontier={onFrontier}
      >
        <LineChart
          title={`Accuracy vs true size, ${group.label}`}
          ariaLabel={
            `Accuracy vs true size of ${n} saved ${n === 1 ? 'entry' : 'entries'} of ${group.label}, ` +
            `${onFrontier} on the Pareto frontier, numbered as in the table below`
          }
          xDomain={group.xDomain}
          xTicks={group.xTicks}
          xLabel="true size (log scale)"
          formatX={(v) => formatKb(10 ** v)}
          yDomain={group.yDomain}
          formatY={(v) => `${Math.round(v)}%`}
          describeY={(v) => `${v.toFixed(2)}%`}
          series={series}
          scatter={scatter}
          hLines={baseline}
        />
      </div>
      <div className="table-wrap">
        <table className="layer-table history-points" data-testid="pareto-table">
          <caption className="muted small">
            The chart&apos;s points by size, smallest first.
          </caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Name</th>
              <th scope="col" className="num">
                Accuracy
              </th>
              <th scope="col" className="num">
                True size
              </th>
              <th scope="col">Pareto</th>
            </tr>
          </thead>
          <tbody>
            {group.rows.map((row) => (
              <tr key={row.record.id} data-frontier={row.frontier}>
                <td>{row.n}</td>
                <th scope="row">{row.record.name}</th>
                <td className="num">{formatPercent(row.record.results.accuracy)}</td>
                <td className="num">
                  {formatBits(row.record.results.sizeBits)} · {row.record.results.ratio.toFixed(1)}×
                </td>
                <td>{row.frontier ? '● on the frontier' : '○ dominated'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
});
