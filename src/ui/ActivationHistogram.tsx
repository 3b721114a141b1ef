import { memo, useDeferredValue, useMemo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { selectActInspection, selectActInspectionCurrent, selectLayer } from '../state/selectors';
import type { ActQuant } from '../core/config';
import { useStore } from '../state/store';
import { Fresh } from './Fresh';
import { formatInt, formatNumber, formatPercent } from './format';

/** What the selected layer reads during calibration, and the clip range the observer chose. */
export function ActivationHistogram() {
  // Deferred + memoized view: new results draw in an interruptible background render.
  const acts = useDeferredValue(useStore((s) => s.config.acts));
  const inspection = useDeferredValue(useStore(selectActInspection));
  const layer = useDeferredValue(useStore(selectLayer));
  return <ActivationHistogramView acts={acts} inspection={inspection} layer={layer} />;
}

const ActivationHistogramView = memo(function ActivationHistogramView({
  acts,
  inspection,
  layer,
}: {
  acts: ActQuant;
  inspection: ReturnType<typeof selectActInspection>;
  layer: string | null;
}) {
  const data = useMemo(
    () =>
      inspection
        ? Array.from(inspection.counts, (count, i) => ({
            x: inspection.min + (i + 0.5) * inspection.binWidth,
            count,
          }))
        : [],
    [inspection],
  );
  if (acts.bits === 0) {
    return (
      <section className="panel" aria-label="Activation histogram">
        <h2>Activations</h2>
        <p className="muted">
          Activations are float32 (weight-only quantization). Choose activation bits to calibrate
          and quantize the input of every layer too, as integer inference engines do (W8A8, W4A8…).
        </p>
      </section>
    );
  }
  return (
    <section className="panel" aria-label="Activation histogram">
      <h2>
        Input activations of <code>{layer}</code>
      </h2>
      <Fresh
        select={selectActInspectionCurrent}
        className="chart short"
        data-testid="act-histogram"
      >
        {inspection ? (
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
                domain={[inspection.min, inspection.max]}
                tickFormatter={(v: number) => formatNumber(v, 2)}
                label={{ value: 'activation value', position: 'insideBottom', offset: -12 }}
              />
              <YAxis scale="sqrt" tickFormatter={(v: number) => formatInt(v)} />
              <Tooltip
                formatter={(v) => [formatInt(Number(v)), 'values']}
                labelFormatter={(v) => `≈ ${formatNumber(Number(v), 4)}`}
              />
              {inspection.clip.max < inspection.max && (
                <ReferenceArea
                  x1={inspection.clip.max}
                  x2={inspection.max}
                  fill="#e0786c"
                  fillOpacity={0.2}
                  ifOverflow="hidden"
                />
              )}
              {inspection.clip.min > inspection.min && (
                <ReferenceArea
                  x1={inspection.min}
                  x2={inspection.clip.min}
                  fill="#e0786c"
                  fillOpacity={0.2}
                  ifOverflow="hidden"
                />
              )}
              <Bar dataKey="count" fill="#c2255c" isAnimationActive={false} />
              <ReferenceLine
                x={inspection.clip.min}
                stroke="#c92a2a"
                strokeDasharray="4 3"
                ifOverflow="hidden"
              />
              <ReferenceLine
                x={inspection.clip.max}
                stroke="#c92a2a"
                strokeDasharray="4 3"
                ifOverflow="hidden"
              />
            </BarChart>
          </ResponsiveContainer>
        ) : (
          <p className="muted">Calibrating on {formatInt(acts.calibration)} training images…</p>
        )}
      </Fresh>
      {inspection && (
        <p className="muted small" data-testid="act-facts">
          Seen over {formatInt(inspection.count)} values: [
          {formatNumber(inspection.observed.min, 3)}, {formatNumber(inspection.observed.max, 3)}].
          Clip range (red dashes): [{formatNumber(inspection.clip.min, 3)},{' '}
          {formatNumber(inspection.clip.max, 3)}], scale {formatNumber(inspection.scale, 5)},
          zero-point {inspection.zeroPoint}; {formatPercent(inspection.clippedFraction, 3)} of
          values clipped. Counts on a square-root axis: the tail is thin but matters.
        </p>
      )}
    </section>
  );
});
