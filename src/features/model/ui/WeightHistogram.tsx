import { useMemo } from 'react';
import {
  selectHistogram,
  selectHistogramCurrent,
  selectLayer,
  selectSummary,
} from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { Fresh } from '../../../platform/ui/Fresh';
import { Histogram } from '../../../platform/ui/charts/Histogram';
import type { HistogramSeries } from '../../../platform/ui/charts/Histogram';
import { formatInt, formatNumber } from '../../../platform/shared/format';
import { describeWeightShape } from './weightShape';

export function WeightHistogram() {
  const histogram = useStore(selectHistogram);
  const layer = useStore(selectLayer);
  const summary = useStore(selectSummary);
  const bins = useStore((s) => s.config.bins);
  const setBins = useStore((s) => s.setBins);

  const series = useMemo(
    (): HistogramSeries[] =>
      histogram
        ? [{ name: 'weights', counts: histogram.counts, kind: 'bars', color: '#3b6fd8' }]
        : [],
    [histogram],
  );
  const stats = summary?.layers.find((l) => l.info.name === layer)?.kernel;

  return (
    <section className="panel" aria-label="Weight histogram">
      <div className="panel-head">
        <h2>
          Weights of <code>{layer ?? '…'}</code>
        </h2>
        <label className="field inline">
          <span>Bins</span>
          <input
            type="range"
            min={8}
            max={256}
            step={8}
            value={bins}
            onChange={(e) => setBins(Number(e.target.value))}
          />
          <output>{bins}</output>
        </label>
      </div>
      <Fresh
        select={selectHistogramCurrent}
        className="chart"
        data-testid="weight-histogram"
        data-bins={histogram?.counts.length ?? 0}
      >
        {histogram ? (
          <Histogram
            min={histogram.min}
            max={histogram.max}
            binWidth={histogram.binWidth}
            series={series}
            xLabel="weight value"
            unit="weights"
          />
        ) : (
          <p className="muted">Binning weights…</p>
        )}
      </Fresh>
      {stats && (
        <p className="muted small">
          {formatInt(stats.count)} weights from {formatNumber(stats.min)} to{' '}
          {formatNumber(stats.max)}; mean {formatNumber(stats.mean, 4)}, standard deviation{' '}
          {formatNumber(stats.std, 4)}.{' '}
          {histogram &&
            `${describeWeightShape(histogram.counts, histogram.min, histogram.binWidth, stats.mean, stats.std)}: this is what quantization has to cover with only a few levels.`}
        </p>
      )}
    </section>
  );
}
