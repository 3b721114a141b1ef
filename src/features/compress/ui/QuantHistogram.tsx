import { Fragment, memo, useDeferredValue, useMemo } from 'react';
import {
  selectLayer,
  selectWeightInspection,
  selectWeightInspectionCurrent,
} from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { drawnClip, drawnLevels, quantFacts } from '../shared/quantFacts';
import { Fresh } from '../../../platform/ui/Fresh';
import { Histogram } from '../../../platform/ui/charts/Histogram';
import type { HistogramSeries } from '../../../platform/ui/charts/Histogram';
import type { WeightInspection } from '../shared/inspect';

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
  const clip = inspection ? drawnClip(inspection) : null;

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
            levels={drawnLevels(inspection)}
            clipMin={clip?.min}
            clipMax={clip?.max}
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
      {inspection && inspection.sampleStep > 1 && (
        <p className="muted small" data-testid="sample-caption">
          Histogram of a 1-in-{inspection.sampleStep} sample of this layer&apos;s{' '}
          {inspection.weights.toLocaleString('en-US')} weights (every {inspection.sampleStep}th
          row), so it redraws at once. The figures below count all weights.
        </p>
      )}
      {inspection && errors && <QuantFacts inspection={inspection} />}
    </section>
  );
});

/** The numbers behind the picture, in the toolkits' words (see quantFacts.ts). */
function QuantFacts({ inspection }: { inspection: WeightInspection }) {
  return (
    <dl className="facts" data-testid="quant-facts">
      {quantFacts(inspection).map((f) => (
        <Fragment key={f.term}>
          <dt>{f.term}</dt>
          <dd>{f.value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
