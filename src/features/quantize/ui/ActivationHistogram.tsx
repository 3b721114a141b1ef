import { memo, useDeferredValue, useMemo } from 'react';
import {
  selectActInspection,
  selectActInspectionCurrent,
  selectLayer,
} from '../../../platform/state/selectors';
import type { ActQuant } from '../../../platform/shared/config';
import { useStore } from '../../../platform/state/store';
import { Fresh } from '../../../platform/ui/Fresh';
import { Histogram } from '../../../platform/ui/charts/Histogram';
import type { HistogramSeries } from '../../../platform/ui/charts/Histogram';
import { formatInt, formatNumber, formatPercent } from '../../../platform/shared/format';

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
  const series = useMemo(
    (): HistogramSeries[] =>
      inspection
        ? [{ name: 'activations', counts: inspection.counts, kind: 'bars', color: '#c2255c' }]
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
          <Histogram
            min={inspection.min}
            max={inspection.max}
            binWidth={inspection.binWidth}
            series={series}
            yScale="sqrt"
            xLabel="activation value"
            unit="values"
            clipMin={inspection.clip.min}
            clipMax={inspection.clip.max}
          />
        ) : (
          <p className="muted">Calibrating on {formatInt(acts.calibration)} training images…</p>
        )}
      </Fresh>
      {inspection && (
        <p className="muted small" data-testid="act-facts">
          The inputs of this layer in the trained float32 model, over {formatInt(acts.calibration)}{' '}
          calibration images ({formatInt(inspection.count)} values), as torch.ao&apos;s{' '}
          <code>prepare</code> observes them; the compressed model then runs with this grid. Seen: [
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
