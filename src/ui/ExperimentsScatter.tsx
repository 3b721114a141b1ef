import { memo, useDeferredValue, useMemo } from 'react';
import {
  CartesianGrid,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
} from 'recharts';
import { selectSummary } from '../state/selectors';
import type { Experiment } from '../state/store';
import { useStore } from '../state/store';
import { formatPercent } from './format';

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
  const data = useMemo(
    () =>
      experiments
        .filter((e) => e.model === summary?.id)
        .map((e) => ({
          size: e.sizeBits / 8000,
          accuracy: e.accuracy * 100,
          label: e.label,
          ratio: e.float32Bits / e.sizeBits,
        })),
    [experiments, summary],
  );
  return (
    <section className="panel" aria-label="Accuracy versus size">
      <h2>Accuracy vs size, this session</h2>
      <div className="chart short" data-testid="experiments-scatter" data-count={data.length}>
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={{ top: 8, right: 24, bottom: 24, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="size"
              type="number"
              scale="log"
              domain={['auto', 'auto']}
              tickFormatter={(v: number) => `${v >= 10 ? v.toFixed(0) : v.toPrecision(2)} KB`}
              label={{ value: 'true size (log scale)', position: 'insideBottom', offset: -12 }}
            />
            <YAxis dataKey="accuracy" type="number" domain={['auto', 100]} unit="%" />
            <ZAxis range={[60, 60]} />
            <Tooltip
              content={({ payload }) => {
                const p = payload?.[0]?.payload as
                  { label: string; size: number; accuracy: number; ratio: number } | undefined;
                return p ? (
                  <div className="tooltip">
                    <strong>{p.label}</strong>
                    <br />
                    {formatPercent(p.accuracy / 100)} · {p.size.toFixed(1)} KB ·{' '}
                    {p.ratio.toFixed(1)}× smaller
                  </div>
                ) : null;
              }}
            />
            <Scatter data={data} fill="#3b6fd8" isAnimationActive={false} />
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <p className="muted small">
        Each dot is a configuration you measured on the full test set; hover for its settings.
      </p>
    </section>
  );
});
