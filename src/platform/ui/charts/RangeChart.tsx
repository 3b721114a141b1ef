import { memo, useMemo, useRef, useState } from 'react';
import { ChartDownload } from './ChartDownload';
import { ChartTooltip, HoverBand, PlotSvg, XTicks, YGrid } from './chartParts';
import type { Tick } from './chartParts';
import { formatInt, formatNumber } from '../../shared/format';
import { niceTicks, tickStep } from './ticks';
import { useSize } from './useSize';
import { CHART_FONT, chartFont } from './font';

/**
 * One floating bar per channel, from its smallest to its largest value, drawn as plain SVG like
 * the other charts of the kit (Histogram, LineChart): one path for all bars, so a layer's 300
 * channels are one element, not 300.
 */

export interface RangeChartProps {
  /** Per channel: the smallest and largest value. */
  readonly lo: ArrayLike<number>;
  readonly hi: ArrayLike<number>;
  /** Per channel: the quantization scale, shown on hover. */
  readonly scale?: ArrayLike<number> | null;
  readonly color: string;
  readonly xLabel: string;
  /** What the chart shows: the start of its accessible name. */
  readonly title: string;
}

const formatY = (v: number) => formatNumber(v, 2);
const MARGIN = { top: 8, right: 14, bottom: 34 };

export const RangeChart = memo(function RangeChart(props: RangeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const { width, height } = useSize(box);
  const [hover, setHover] = useState<number | null>(null);
  const g = useMemo(() => layout(props, width, height), [props, width, height]);
  const ariaLabel = useMemo(() => describe(props), [props]);

  const onHover = (x: number | null) => {
    if (x === null || !g) return setHover(null);
    const c = Math.floor((x - g.left) / g.bandPx);
    setHover(c >= 0 && c < g.n ? c : null);
  };

  return (
    <div className="histogram">
      <ChartDownload plot={box} />
      <div className="histogram-plot" ref={box}>
        {g && (
          <PlotSvg width={width} height={height} label={ariaLabel} onHover={onHover}>
            <g className="range-frame" fontSize={chartFont()} fill="#5b6478">
              <YGrid
                ticks={g.yTicks}
                left={g.left}
                right={g.right}
                format={formatY}
                strong={(v) => v === 0}
              />
              <XTicks ticks={g.xTicks} bottom={g.bottom} format={formatInt} />
              <line x1={g.left} x2={g.left} y1={g.top} y2={g.bottom} stroke="#8a94a8" />
              <text
                x={(g.left + g.right) / 2}
                y={g.bottom + (30 * chartFont()) / CHART_FONT}
                textAnchor="middle"
              >
                {props.xLabel}
              </text>
            </g>
            <path className="range-bars" d={g.path} fill={props.color} />
            {hover !== null && (
              <HoverBand
                x={g.left + hover * g.bandPx}
                width={g.bandPx}
                top={g.top}
                bottom={g.bottom}
              />
            )}
          </PlotSvg>
        )}
        {g && hover !== null && (
          <ChartTooltip
            x={g.left + (hover + 1) * g.bandPx + 8}
            top={g.top}
            width={width}
            room={230}
          >
            <div>channel {hover}</div>
            <div>
              range [{formatNumber(props.lo[hover] ?? 0, 4)},{' '}
              {formatNumber(props.hi[hover] ?? 0, 4)}]
            </div>
            {props.scale && <div>scale {formatNumber(props.scale[hover] ?? 0, 5)}</div>}
          </ChartTooltip>
        )}
      </div>
    </div>
  );
});

interface Geometry {
  readonly n: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly bandPx: number;
  readonly path: string;
  readonly xTicks: Tick[];
  readonly yTicks: Tick[];
}

function layout(p: RangeChartProps, width: number, height: number): Geometry | null {
  const n = Math.min(p.lo.length, p.hi.length);
  if (n === 0 || width < 80 || height < 60) return null;
  let min = 0;
  let max = 0;
  for (let c = 0; c < n; c++) {
    min = Math.min(min, p.lo[c]!);
    max = Math.max(max, p.hi[c]!);
  }
  if (!(max > min)) max = min + 1;
  // Out to the nearest ticks, so that the longest bar ends on a labelled line.
  const step = tickStep(min, max, 5);
  min = Math.floor(min / step) * step;
  max = Math.ceil(max / step) * step;
  const yTickValues = niceTicks(min, max, 5);
  const left = 10 + Math.max(...yTickValues.map((v) => formatY(v).length)) * chartFont() * 0.62;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  // Room below for the x labels and the axis title, at the text size drawn now.
  const bottom = height - (MARGIN.bottom * chartFont()) / CHART_FONT;
  const y = (v: number) => bottom - ((v - min) / (max - min)) * (bottom - top);
  const bandPx = (right - left) / n;
  // A hairline gap between bars while they are wide enough to show it.
  const barPx = bandPx > 3 ? bandPx - 1 : bandPx;
  const r = (v: number) => Math.round(v * 10) / 10;
  let path = '';
  for (let c = 0; c < n; c++) {
    const y0 = y(p.lo[c]!);
    // At least a pixel tall: a channel whose weights are all equal still shows.
    const y1 = Math.min(y(p.hi[c]!), y0 - 1);
    path += `M${r(left + c * bandPx)},${r(y0)}V${r(y1)}h${r(barPx)}V${r(y0)}Z`;
  }
  const xTicks = niceTicks(0, n - 1, Math.max(2, Math.floor((right - left) / 60)))
    .filter((v) => Number.isInteger(v))
    .map((v) => ({ v, px: left + (v + 0.5) * bandPx }));
  return {
    n,
    left,
    right,
    top,
    bottom,
    bandPx,
    path,
    xTicks,
    yTicks: yTickValues.map((v) => ({ v, px: y(v) })),
  };
}

/** "…: 300 channels, ranges from 0.12 wide (channel 7) to 0.81 wide (channel 41); scales …". */
function describe(p: RangeChartProps): string {
  const n = Math.min(p.lo.length, p.hi.length);
  if (n === 0) return `${p.title}: no channels`;
  let narrow = 0;
  let wide = 0;
  for (let c = 1; c < n; c++) {
    const w = p.hi[c]! - p.lo[c]!;
    if (w < p.hi[narrow]! - p.lo[narrow]!) narrow = c;
    if (w > p.hi[wide]! - p.lo[wide]!) wide = c;
  }
  const range = (c: number) =>
    `[${formatNumber(p.lo[c]!, 3)}, ${formatNumber(p.hi[c]!, 3)}] (channel ${c})`;
  let scales = '';
  if (p.scale && p.scale.length > 0) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let c = 0; c < p.scale.length; c++) {
      lo = Math.min(lo, p.scale[c]!);
      hi = Math.max(hi, p.scale[c]!);
    }
    scales = `; scales from ${formatNumber(lo, 5)} to ${formatNumber(hi, 5)}`;
  }
  return `${p.title}: ${formatInt(n)} channels, the narrowest range ${range(narrow)}, the widest ${range(wide)}${scales}`;
}
