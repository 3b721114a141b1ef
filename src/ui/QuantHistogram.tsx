import { memo, useDeferredValue, useMemo } from 'react';
import {
  Area,
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  usePlotArea,
  useXAxisScale,
} from 'recharts';
import {
  selectLayer,
  selectWeightInspection,
  selectWeightInspectionCurrent,
} from '../state/selectors';
import { useStore } from '../state/store';
import { formatInt, formatNumber } from './format';
import { Fresh } from './Fresh';
import type { WeightInspection } from '../worker/inspect';

/** More grid lines than this would paint the chart solid: they are described instead. */
const MAX_LEVEL_LINES = 40;

/**
 * The selected layer's weights before and after quantization, in the same bins, with the grid's
 * levels and the clip range drawn on top.
 */
export function QuantHistogram() {
  // Deferred: a new result is drawn in an interruptible background render, so dragging a slider
  // never waits for the chart (React time-slices it); the memoized view skips urgent renders.
  const inspection = useDeferredValue(useStore(selectWeightInspection));
  const layer = useDeferredValue(useStore(selectLayer));
  return <QuantHistogramView inspection={inspection} layer={layer} />;
}

const QuantHistogramView = memo(function QuantHistogramView({
  inspection,
  layer,
}: {
  inspection: WeightInspection | null;
  layer: string | null;
}) {
  const data = useMemo(
    () =>
      inspection
        ? Array.from(inspection.original, (count, i) => ({
            x: inspection.min + (i + 0.5) * inspection.binWidth,
            original: count,
            quantized: inspection.quantized[i] ?? 0,
          }))
        : [],
    [inspection],
  );
  const errors = inspection?.errors.find((e) => e.name === layer);
  const perTensor = inspection?.scale?.length === 1;
  const clipMin = perTensor ? inspection?.clipMin?.[0] : undefined;
  const clipMax = perTensor ? inspection?.clipMax?.[0] : undefined;
  const levels = inspection?.levels ?? null;

  return (
    <section className="panel" aria-label="Quantized weight histogram">
      <h2>
        Weights of <code>{layer ?? '…'}</code>: trained vs compressed
      </h2>
      <Fresh
        select={selectWeightInspectionCurrent}
        className="chart"
        data-testid="quant-histogram"
        data-levels={errors?.levels ?? ''}
        data-sqnr={errors ? errors.sqnrDb.toFixed(2) : ''}
      >
        {inspection ? (
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart
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
                label={{ value: 'weight value', position: 'insideBottom', offset: -12 }}
              />
              {/* √ counts: the quantized spikes hold whole slices of the bell and would flatten it. */}
              <YAxis scale="sqrt" tickFormatter={(v: number) => formatInt(v)} />
              <Tooltip
                formatter={(v, name) => [
                  formatInt(Number(v)),
                  name === 'float32' ? 'float32 weights' : 'compressed weights',
                ]}
                labelFormatter={(v) => `≈ ${formatNumber(Number(v), 4)}`}
              />
              <Legend verticalAlign="top" height={24} />
              <Area
                type="step"
                dataKey="original"
                name="float32"
                stroke="#8a94a8"
                fill="#c9d0dc"
                fillOpacity={0.7}
                isAnimationActive={false}
              />
              <Bar
                dataKey="quantized"
                name="compressed"
                fill="#3b6fd8"
                barSize={5}
                isAnimationActive={false}
              />
              <GridOverlay
                levels={levels && levels.length <= MAX_LEVEL_LINES ? levels : null}
                clipMin={clipMin}
                clipMax={clipMax}
              />
            </ComposedChart>
          </ResponsiveContainer>
        ) : (
          <p className="muted">Quantizing…</p>
        )}
      </Fresh>
      <p className="muted small">
        Counts on a square-root axis. Grey: the trained float32 weights. Blue: the same weights
        compressed: piled onto the grid&apos;s levels when quantized or clustered, with a spike at
        exactly 0 (and a hole around it) when pruned.
      </p>
      {inspection && errors && <QuantFacts inspection={inspection} layer={layer} />}
    </section>
  );
});

/** The numbers behind the picture, in the toolkits' words. */
function QuantFacts({ inspection, layer }: { inspection: WeightInspection; layer: string | null }) {
  const e = inspection.errors.find((x) => x.name === layer)!;
  const scale = inspection.scale;
  const zp = inspection.zeroPoint;
  const perChannel = scale !== null && scale.length > 1;
  const levelsNote =
    inspection.levels && inspection.levels.length > MAX_LEVEL_LINES
      ? ` (${inspection.levels.length} grid levels: too many to draw as lines)`
      : inspection.levels
        ? ' (orange lines)'
        : '';
  return (
    <dl className="facts" data-testid="quant-facts">
      {scale && zp && !perChannel && (
        <>
          <dt>scale s</dt>
          <dd>{formatNumber(scale[0]!, 5)}</dd>
          <dt>zero-point z</dt>
          <dd>{zp[0]}</dd>
          <dt>codes</dt>
          <dd>
            {inspection.qmin} … {inspection.qmax}
          </dd>
          <dt>clip range</dt>
          <dd>
            [{formatNumber(inspection.clipMin![0]!, 4)}, {formatNumber(inspection.clipMax![0]!, 4)}]
            (red dashes)
          </dd>
        </>
      )}
      {perChannel && (
        <>
          <dt>scales</dt>
          <dd>
            {scale.length} per-channel scales, {formatNumber(Math.min(...scale), 4)} …{' '}
            {formatNumber(Math.max(...scale), 4)}
          </dd>
        </>
      )}
      <dt>distinct values</dt>
      <dd>
        {formatInt(e.levels)}
        {levelsNote}
      </dd>
      <dt>SQNR</dt>
      <dd>{Number.isFinite(e.sqnrDb) ? `${e.sqnrDb.toFixed(1)} dB` : '∞ (exact)'}</dd>
      <dt>max |error|</dt>
      <dd>{formatNumber(e.maxAbsError, 5)}</dd>
      <dt>clipped</dt>
      <dd>{formatInt(e.clipped)} weights</dd>
    </dl>
  );
}

/**
 * The grid's levels (orange) and the clip range (red dashes, clipped regions shaded), drawn as one
 * plain SVG layer from the chart's own x scale. As recharts ReferenceLines each of the 15 lines of
 * a 4-bit grid registered itself with the chart's store, and mounting them stalled the main
 * thread for 100+ ms during a slider drag.
 */
function GridOverlay({
  levels,
  clipMin,
  clipMax,
}: {
  levels: Float32Array | null;
  clipMin: number | undefined;
  clipMax: number | undefined;
}) {
  const scale = useXAxisScale();
  const area = usePlotArea();
  if (!scale || !area) return null;
  const top = area.y;
  const bottom = area.y + area.height;
  const left = area.x;
  const right = area.x + area.width;
  const px = (v: number) => {
    const x = scale(v);
    return x === undefined ? null : Math.min(right, Math.max(left, x));
  };
  const lo = clipMin === undefined ? null : px(clipMin);
  const hi = clipMax === undefined ? null : px(clipMax);
  return (
    <g className="grid-overlay" pointerEvents="none">
      {lo !== null && lo > left && (
        <rect
          x={left}
          y={top}
          width={lo - left}
          height={bottom - top}
          fill="#e0786c"
          fillOpacity={0.18}
        />
      )}
      {hi !== null && hi < right && (
        <rect
          x={hi}
          y={top}
          width={right - hi}
          height={bottom - top}
          fill="#e0786c"
          fillOpacity={0.18}
        />
      )}
      {levels &&
        Array.from(levels, (v, i) => {
          const x = px(v);
          return x === null ? null : (
            <line key={i} x1={x} x2={x} y1={top} y2={bottom} stroke="#f08c00" strokeOpacity={0.7} />
          );
        })}
      {[lo, hi].map((x, i) =>
        x === null ? null : (
          <line
            key={`clip${i}`}
            x1={x}
            x2={x}
            y1={top}
            y2={bottom}
            stroke="#c92a2a"
            strokeDasharray="4 3"
          />
        ),
      )}
    </g>
  );
}
