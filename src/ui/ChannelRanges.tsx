import { memo, useDeferredValue, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import {
  selectLayer,
  selectWeightInspection,
  selectWeightInspectionCurrent,
} from '../state/selectors';
import { useStore } from '../state/store';
import { Fresh } from './Fresh';
import { formatNumber } from './format';

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
  const data = useMemo(() => {
    if (
      !inspection?.channelMin ||
      !inspection.channelMax ||
      !inspection.scale ||
      inspection.scale.length < 2
    )
      return null;
    const { channelMin, channelMax, scale } = inspection;
    return Array.from(channelMin, (lo, c) => ({
      channel: c,
      range: [lo, channelMax[c]!] as [number, number],
      scale: scale[c]!,
    }));
  }, [inspection]);
  if (!data) return null;
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
        <ResponsiveContainer width="100%" height="100%">
          <BarChart
            data={data}
            barCategoryGap={0}
            margin={{ top: 8, right: 16, bottom: 16, left: 8 }}
          >
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="channel"
              tick={{ fontSize: 11 }}
              label={{ value: 'output channel', position: 'insideBottom', offset: -8 }}
            />
            <YAxis tickFormatter={(v: number) => formatNumber(v, 2)} />
            <Tooltip
              formatter={(v, name, item) => {
                const p = item.payload as { range: [number, number]; scale: number };
                return [
                  `[${formatNumber(p.range[0], 4)}, ${formatNumber(p.range[1], 4)}], scale ${formatNumber(p.scale, 5)}`,
                  'range',
                ];
              }}
              labelFormatter={(c) => `channel ${String(c)}`}
            />
            <Bar dataKey="range" fill="#7c5cd6" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </Fresh>
      <p className="muted small">
        Each bar is one output channel's weight range; per-channel quantization fits a grid to each
        bar instead of one grid to the widest. The price: one scale (and zero-point) per channel in
        the size.
      </p>
    </section>
  );
});
