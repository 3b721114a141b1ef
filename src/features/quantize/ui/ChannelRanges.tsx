import { memo, useDeferredValue } from 'react';
import {
  selectLayer,
  selectWeightInspection,
  selectWeightInspectionCurrent,
} from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { Fresh } from '../../../platform/ui/Fresh';
import { RangeChart } from '../../../platform/ui/charts/RangeChart';

/**
 * Per-channel mode: each output channel's own weight range (bar) and scale. Channels with a
 * narrow range get a fine grid of their own instead of the layer's coarse one.
 */
export function ChannelRanges() {
  // Deferred + memoized view: new results draw in an interruptible background render.
  const inspection = useDeferredValue(useStore(selectWeightInspection));
  const layer = useDeferredValue(useStore(selectLayer));
  return <ChannelRangesView inspection={inspection} layer={layer} />;
}

const ChannelRangesView = memo(function ChannelRangesView({
  inspection,
  layer,
}: {
  inspection: ReturnType<typeof selectWeightInspection>;
  layer: string | null;
}) {
  const channelMin = inspection?.channelMin;
  const channelMax = inspection?.channelMax;
  const scale = inspection?.scale;
  if (!channelMin || !channelMax || !scale || scale.length < 2) return null;
  return (
    <section className="panel" aria-label="Per-channel ranges">
      <h2>
        Per-channel ranges of <code>{layer}</code>
      </h2>
      <Fresh
        select={selectWeightInspectionCurrent}
        className="chart short"
        data-testid="channel-ranges"
      >
        <RangeChart
          lo={channelMin}
          hi={channelMax}
          scale={scale}
          color="#7c5cd6"
          xLabel="output channel"
          title={`Weight range of each output channel of ${layer ?? 'the layer'}`}
        />
      </Fresh>
      <p className="muted small">
        Each bar is one output channel's weight range; per-channel quantization fits a grid to each
        bar instead of one grid to the widest. The price: one scale (and zero-point) per channel in
        the size.
      </p>
    </section>
  );
});
