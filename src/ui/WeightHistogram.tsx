import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import {
  selectHistogram,
  selectHistogramCurrent,
  selectLayer,
  selectSummary,
} from '../state/selectors';
import { useStore } from '../state/store';
import { Fresh } from './Fresh';
import { formatInt, formatNumber } from './format';

export function WeightHistogram() {
  const histogram = useStore(selectHistogram);
  const layer = useStore(selectLayer);
  const summary = useStore(selectSummary);
  const bins = useStore((s) => s.config.bins);
  const setBins = useStore((s) => s.setBins);

  // Ready-to-draw rows, rebuilt only when a new histogram arrives.
  const data = useMemo(
    () =>
      histogram
        ? Array.from(histogram.counts, (count, i) => ({
            x: histogram.min + (i + 0.5) * histogram.binWidth,
            count,
          }))
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
          <ResponsiveContainer width="100%" height="100%">
            <BarChart
              data={data}
              barCategoryGap={0}
              margin={{ top: 8, right: 16, bottom: 24, left: 8 }}
            >
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis
                dataKey="x"
                type="number"
                domain={[histogram.min, histogram.max]}
                tickFormatter={(v: number) => formatNumber(v, 2)}
                label={{ value: 'weight value', position: 'insideBottom', offset: -12 }}
              />
              <YAxis
                tickFormatter={(v: number) => formatInt(v)}
                label={{ value: 'count', angle: -90, position: 'insideLeft' }}
              />
              <Tooltip
                formatter={(v) => [formatInt(Number(v)), 'weights']}
                labelFormatter={(v) => `≈ ${formatNumber(Number(v), 4)}`}
              />
              <Bar dataKey="count" fill="#3b6fd8" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        ) : (
          <p className="muted">Binning weights…</p>
        )}
      </Fresh>
      {stats && (
        <p className="muted small">
          {formatInt(stats.count)} weights from {formatNumber(stats.min)} to{' '}
          {formatNumber(stats.max)}; mean {formatNumber(stats.mean, 4)}, standard deviation{' '}
          {formatNumber(stats.std, 4)}. Trained weights cluster around zero in a bell shape: this is
          what quantization has to cover with only a few levels.
        </p>
      )}
    </section>
  );
}
