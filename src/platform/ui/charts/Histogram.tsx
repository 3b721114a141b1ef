import { memo, useMemo, useRef, useState } from 'react';
import { ChartDownload } from './ChartDownload';
import { ChartTooltip, HoverBand, PlotSvg, XTicks, YGrid } from './chartParts';
import type { Tick } from './chartParts';
import { formatInt, formatNumber } from '../../shared/format';
import { niceTicks } from './ticks';
import { useSize } from './useSize';
import { usePausable } from '../usePausable';
import { CHART_FONT, chartFont } from './font';

/**
 * A histogram drawn as plain SVG: one path per series, one for all the grid's levels. These
 * charts change at every step of a slider drag; as recharts components (an SVG element and a
 * store subscription per bar, tick and reference line) their commits stalled the main thread for
 * 50–120 ms, drawn this way they take a few.
 */

export interface HistogramSeries {
  /** Legend and tooltip label. */
  readonly name: string;
  readonly counts: ArrayLike<number>;
  /** 'area': a filled step outline over whole bins; 'bars': a bar per bin. */
  readonly kind: 'area' | 'bars';
  readonly color: string;
  readonly fill?: string;
  /** Bar width in px ('bins' = the whole bin less a hairline); thin spikes suit quantized data. */
  readonly barWidth?: number | 'bins';
}

export interface HistogramProps {
  /** Left edge of the first bin and right edge of the last. */
  readonly min: number;
  readonly max: number;
  readonly binWidth: number;
  readonly series: readonly HistogramSeries[];
  /** √ compresses tall spikes so that the thin tails stay visible. */
  readonly yScale?: 'linear' | 'sqrt';
  readonly xLabel: string;
  /** What one count is, for the tooltip: "weights", "values". */
  readonly unit: string;
  /** Values to mark with thin vertical lines (a quantization grid). */
  readonly levels?: ArrayLike<number> | null;
  /** The clip range: the regions beyond it are shaded, its ends dashed. */
  readonly clipMin?: number | undefined;
  readonly clipMax?: number | undefined;
  readonly legend?: boolean;
}

const MARGIN = { top: 8, right: 14, bottom: 34 };

export const Histogram = memo(function Histogram(live: HistogramProps) {
  // Frozen while live charts are paused (WCAG 2.2.2).
  const props = usePausable(live);
  const box = useRef<HTMLDivElement>(null);
  const { width, height } = useSize(box);
  const [hover, setHover] = useState<number | null>(null);
  const geometry = useMemo(() => layout(props, width, height), [props, width, height]);
  const { series, legend = props.series.length > 1 } = props;

  const onHover = (x: number | null) => {
    if (x === null || !geometry) return setHover(null);
    const bin = Math.floor((x - geometry.left) / geometry.binPx);
    setHover(bin >= 0 && bin < geometry.bins ? bin : null);
  };

  return (
    <div className="histogram">
      <ChartDownload plot={box} />
      {legend && (
        <div className="legend" aria-hidden="true">
          {series.map((s) => (
            <span key={s.name}>
              <i style={{ background: s.fill ?? s.color }} /> {s.name}
            </span>
          ))}
        </div>
      )}
      <div className="histogram-plot" ref={box}>
        {geometry && (
          <PlotSvg
            width={width}
            height={height}
            label={`Histogram of ${props.unit}${series.length > 1 ? ` (${series.map((s) => s.name).join(' and ')})` : ''} from ${formatNumber(props.min, 3)} to ${formatNumber(props.max, 3)}`}
            onHover={onHover}
          >
            <Frame g={geometry} xLabel={props.xLabel} />
            <Overlay g={geometry} />
            {series.map((s, i) => (
              <path
                key={s.name}
                className="hist-series"
                data-series={s.name}
                d={geometry.paths[i]}
                fill={s.fill ?? s.color}
                fillOpacity={s.kind === 'area' ? 0.7 : 1}
                stroke={s.kind === 'area' ? s.color : 'none'}
                strokeWidth={1}
              />
            ))}
            <Levels g={geometry} />
            {hover !== null && (
              <HoverBand
                x={geometry.left + hover * geometry.binPx}
                width={geometry.binPx}
                top={geometry.top}
                bottom={geometry.bottom}
              />
            )}
          </PlotSvg>
        )}
        {geometry && hover !== null && (
          <ChartTooltip
            x={geometry.left + (hover + 1) * geometry.binPx + 8}
            top={geometry.top}
            width={width}
            room={190}
          >
            <div>
              ≈ {formatNumber(props.min + (hover + 0.5) * props.binWidth, 4)} (
              {formatNumber(props.min + hover * props.binWidth, 4)} …{' '}
              {formatNumber(props.min + (hover + 1) * props.binWidth, 4)})
            </div>
            {series.map((s) => (
              <div key={s.name}>
                <i className="swatch" style={{ background: s.fill ?? s.color }} /> {s.name}:{' '}
                {formatInt(s.counts[hover] ?? 0)} {props.unit}
              </div>
            ))}
          </ChartTooltip>
        )}
      </div>
    </div>
  );
});

function roundSignificant(v: number, digits: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(digits));
}

interface Geometry {
  readonly width: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly bins: number;
  readonly binPx: number;
  readonly xTicks: Tick[];
  readonly yTicks: Tick[];
  readonly paths: string[];
  readonly levelsPath: string;
  readonly clipLo: number | null;
  readonly clipHi: number | null;
}

function layout(p: HistogramProps, width: number, height: number): Geometry | null {
  const bins = p.series[0]?.counts.length ?? 0;
  if (width < 60 || height < 60 || bins === 0 || !(p.max > p.min)) return null;
  let peak = 1;
  for (const s of p.series)
    for (let i = 0; i < s.counts.length; i++) peak = Math.max(peak, s.counts[i]!);
  const sqrt = p.yScale === 'sqrt';
  // On a √ axis, nice ticks in √ space squared (0, 100, 400, 900…) are evenly spread; linear
  // ones would bunch at the top.
  const yTickValues = sqrt
    ? [...new Set(niceTicks(0, Math.sqrt(peak), 4).map((t) => roundSignificant(t * t, 2)))]
    : niceTicks(0, peak, 5);
  // Room for the widest y label (tabular digits ≈ 0.62 em each).
  const left = 10 + Math.max(...yTickValues.map((v) => formatInt(v).length)) * chartFont() * 0.62;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  // Room below for the x labels and the axis title, at the text size drawn now.
  const bottom = height - (MARGIN.bottom * chartFont()) / CHART_FONT;
  const x = (v: number) => left + ((v - p.min) / (p.max - p.min)) * (right - left);
  const y = (c: number) => bottom - (sqrt ? Math.sqrt(c / peak) : c / peak) * (bottom - top);
  const binPx = (right - left) / bins;
  const r = (v: number) => Math.round(v * 10) / 10;

  const paths = p.series.map((s) => {
    let d = '';
    if (s.kind === 'area') {
      d = `M${r(left)},${r(bottom)}`;
      for (let i = 0; i < bins; i++) {
        const h = r(y(s.counts[i] ?? 0));
        d += `V${h}H${r(left + (i + 1) * binPx)}`;
      }
      d += `V${r(bottom)}Z`;
    } else {
      const w =
        s.barWidth === undefined || s.barWidth === 'bins'
          ? Math.max(1, binPx - 1)
          : Math.min(s.barWidth, binPx);
      for (let i = 0; i < bins; i++) {
        const c = s.counts[i] ?? 0;
        if (c <= 0) continue;
        const x0 = left + (i + 0.5) * binPx - w / 2;
        const h = y(c);
        d += `M${r(x0)},${r(bottom)}V${r(h)}h${r(w)}V${r(bottom)}Z`;
      }
    }
    return d;
  });

  let levelsPath = '';
  if (p.levels) {
    for (let i = 0; i < p.levels.length; i++) {
      const v = p.levels[i]!;
      if (v < p.min || v > p.max) continue;
      levelsPath += `M${r(x(v))},${top}V${bottom}`;
    }
  }
  const clamp = (v: number | undefined) =>
    v === undefined || !Number.isFinite(v) ? null : Math.min(right, Math.max(left, x(v)));
  return {
    width,
    left,
    right,
    top,
    bottom,
    bins,
    binPx,
    xTicks: niceTicks(p.min, p.max, Math.max(2, Math.floor((right - left) / 70))).map((v) => ({
      v,
      px: x(v),
    })),
    yTicks: yTickValues.map((v) => ({ v, px: y(v) })),
    paths,
    levelsPath,
    clipLo: clamp(p.clipMin),
    clipHi: clamp(p.clipMax),
  };
}

const formatX = (v: number) => formatNumber(v, 2);

/** Axes, ticks, dashed horizontal grid lines and the x label. */
function Frame({ g, xLabel }: { g: Geometry; xLabel: string }) {
  return (
    <g className="hist-frame" fontSize={chartFont()} fill="#5b6478">
      <YGrid ticks={g.yTicks} left={g.left} right={g.right} format={formatInt} />
      <line x1={g.left} x2={g.right} y1={g.bottom} y2={g.bottom} stroke="#8a94a8" />
      <XTicks ticks={g.xTicks} bottom={g.bottom} format={formatX} />
      <text
        x={(g.left + g.right) / 2}
        y={g.bottom + (30 * chartFont()) / CHART_FONT}
        textAnchor="middle"
      >
        {xLabel}
      </text>
    </g>
  );
}

/** The shaded regions beyond the clip range (drawn under the data). */
function Overlay({ g }: { g: Geometry }) {
  return (
    <g pointerEvents="none">
      {g.clipLo !== null && g.clipLo > g.left && (
        <rect
          x={g.left}
          y={g.top}
          width={g.clipLo - g.left}
          height={g.bottom - g.top}
          fill="#e0786c"
          fillOpacity={0.18}
        />
      )}
      {g.clipHi !== null && g.clipHi < g.right && (
        <rect
          x={g.clipHi}
          y={g.top}
          width={g.right - g.clipHi}
          height={g.bottom - g.top}
          fill="#e0786c"
          fillOpacity={0.18}
        />
      )}
    </g>
  );
}

/** The grid's levels (orange) and the clip range's ends (red dashes), over the data. */
function Levels({ g }: { g: Geometry }) {
  return (
    <g className="grid-overlay" pointerEvents="none">
      {g.levelsPath && (
        <path className="grid-levels" d={g.levelsPath} stroke="#f08c00" strokeOpacity={0.7} />
      )}
      {[g.clipLo, g.clipHi].map((x, i) =>
        x === null ? null : (
          <line
            key={`clip${i}`}
            className="clip-line"
            x1={x}
            x2={x}
            y1={g.top}
            y2={g.bottom}
            stroke="#c92a2a"
            strokeDasharray="4 3"
          />
        ),
      )}
    </g>
  );
}
