import { memo, useDeferredValue, useMemo } from 'react';
import {
  selectLayer,
  selectWeightInspection,
  selectWeightInspectionCurrent,
} from '../state/selectors';
import { useStore } from '../state/store';
import { formatInt, formatNumber } from './format';
import { Fresh } from './Fresh';
import { Histogram } from './Histogram';
import type { HistogramSeries } from './Histogram';
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
  const series = useMemo(
    (): HistogramSeries[] =>
      inspection
        ? [
            {
              name: 'float32',
              counts: inspection.original,
              kind: 'area',
              color: '#8a94a8',
              fill: '#c9d0dc',
            },
            {
              name: 'compressed',
              counts: inspection.quantized,
              kind: 'bars',
              color: '#3b6fd8',
              barWidth: 5,
            },
          ]
        : [],
    [inspection],
  );
  const errors = inspection?.layer === layer ? inspection.error : undefined;
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
          <Histogram
            min={inspection.min}
            max={inspection.max}
            binWidth={inspection.binWidth}
            series={series}
            yScale="sqrt"
            xLabel="weight value"
            unit="weights"
            levels={levels && levels.length <= MAX_LEVEL_LINES ? levels : null}
            clipMin={clipMin}
            clipMax={clipMax}
          />
        ) : (
          <p className="muted">Quantizing…</p>
        )}
      </Fresh>
      <p className="muted small">
        Counts on a square-root axis. Grey: the trained float32 weights. Blue: the same weights
        compressed: piled onto the grid&apos;s levels when quantized or clustered, with a spike at
        exactly 0 (and a hole around it) when pruned.
      </p>
      {inspection && errors && <QuantFacts inspection={inspection} />}
    </section>
  );
});

/** The numbers behind the picture, in the toolkits' words. */
function QuantFacts({ inspection }: { inspection: WeightInspection }) {
  const e = inspection.error;
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
        {e.levels === null ? 'float: no grid' : formatInt(e.levels)}
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
