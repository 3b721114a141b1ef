import { memo, useMemo, useRef, useState } from 'react';
import type { ComponentType } from 'react';
import { ChartDownload } from './ChartDownload';
import { ChartTooltip, PlotSvg, YGrid } from './chartParts';
import { formatPercent } from '../../shared/format';
import { placeLabels } from './labelPlacement';
import type { Box } from './labelPlacement';
import { niceTicks } from './ticks';
import { useSize } from './useSize';
import './charts.css';
import { usePausable } from '../usePausable';
import { CHART_FONT, chartFont } from './font';

/**
 * A line chart drawn as plain SVG, for the accuracy sweeps. They fill in point by point while
 * the user may be dragging a slider; as recharts charts each new point cost the main thread a
 * 50–120 ms task, drawn this way a few ms.
 */

export interface LineSeries {
  readonly key: string;
  readonly name: string;
  readonly color: string;
  /**
   * Points in x order; a null y is a gap that the line bridges. An `estimate` (a value measured on
   * part of the data, still being completed) is drawn as a hollow marker with a dotted outline
   * and described as an estimate.
   */
  readonly points: readonly {
    readonly x: number;
    readonly y: number | null;
    readonly estimate?: boolean;
  }[];
  /** SVG dash pattern of the line (solid when absent). */
  readonly dash?: string;
  /** Point markers: filled dots (default), hollow squares, or none. */
  readonly marker?: 'dot' | 'square' | 'none';
}

export interface ScatterSeries {
  readonly name: string;
  readonly color: string;
  readonly points: readonly {
    readonly x: number;
    readonly y: number;
    /** Hover text and, without an ariaLabel, the accessible description. */
    readonly label: string;
    /** A short label drawn beside the point where there is room (see labelPlacement.ts). */
    readonly tag?: string;
    /** Drawn as a hollow ring (e.g. a dominated point), not a filled dot: shape, not colour. */
    readonly muted?: boolean;
  }[];
}

/** The chart's scales and plot area, for overlays. */
export interface PlotGeometry {
  readonly x: (v: number) => number;
  readonly y: (v: number) => number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface LineChartProps {
  /** What the chart shows, e.g. "Accuracy vs weight bits": the start of its accessible name. */
  readonly title: string;
  /** The whole accessible name, replacing the one listed from the data (for many points). */
  readonly ariaLabel?: string;
  readonly xDomain: readonly [number, number];
  /** Tick values on x (default: nice ticks). */
  readonly xTicks?: readonly number[];
  readonly xLabel: string;
  readonly formatX: (v: number) => string;
  /** The tooltip's heading for an x value (default formatX). */
  readonly describeX?: (v: number) => string;
  /** Ticks drawn bold (e.g. 2, 4 and 8 bits). */
  readonly xMarked?: readonly number[];
  readonly yDomain: readonly [number, number];
  readonly formatY: (v: number) => string;
  /** The tooltip's y values (default formatY). */
  readonly describeY?: (v: number) => string;
  readonly series: readonly LineSeries[];
  readonly scatter?: ScatterSeries | null;
  /** Dashed horizontal reference lines with a label (the float32 baseline). */
  readonly hLines?: readonly {
    readonly y: number;
    readonly color: string;
    readonly label: string;
  }[];
  /**
   * Drawn over the plot with its geometry. It may subscribe to state of its own (the current
   * sparsity): then only it redraws when that changes.
   */
  readonly Overlay?: ComponentType<{ g: PlotGeometry }>;
}

/**
 * The float32 model's accuracy (a fraction) as a dashed line on a 0–100% axis, labelled
 * "float32 97.60%" (or `name` in place of "float32").
 */
export function useBaseline(accuracy: number | null, name = 'float32'): LineChartProps['hLines'] {
  return useMemo(
    () =>
      accuracy === null
        ? []
        : [{ y: accuracy * 100, color: '#2f9e6e', label: `${name} ${formatPercent(accuracy)}` }],
    [accuracy, name],
  );
}

/**
 * A vertical marker at x with a label at the foot of the plot (the current bit-width or
 * sparsity). Meant for an Overlay that subscribes to its own value, so a slider step redraws
 * only this line.
 */
export function XMarker({
  g,
  x,
  label,
  color = '#f08c00',
  className,
}: {
  g: PlotGeometry;
  x: number;
  label: string;
  color?: string;
  className?: string;
}) {
  const px = g.x(x);
  // The label sits left of the line near the right edge, right of it elsewhere.
  const end = px > (g.left + g.right) / 2;
  return (
    <g className={className} pointerEvents="none">
      <line
        x1={px}
        x2={px}
        y1={g.top}
        y2={g.bottom}
        stroke={color}
        strokeOpacity={0.8}
        strokeWidth={1.5}
      />
      <text
        className="x-marker-label"
        x={end ? px - 4 : px + 4}
        y={g.bottom - 5}
        textAnchor={end ? 'end' : 'start'}
        fontSize={chartFont()}
        fontWeight={600}
        fill="#b35f00"
        stroke="#fff"
        strokeWidth={3}
        paintOrder="stroke"
      >
        {label}
      </text>
    </g>
  );
}

const MARGIN = { top: 10, right: 20, bottom: 36, left: 46 };
const SCATTER_R = 4.5;

export const LineChart = memo(function LineChart(live: LineChartProps) {
  // Frozen while live charts are paused (WCAG 2.2.2).
  const props = usePausable(live);
  const box = useRef<HTMLDivElement>(null);
  const { width, height } = useSize(box);
  const [hover, setHover] = useState<number | null>(null);
  const g = useMemo(() => layout(props, width, height), [props, width, height]);
  const { series, scatter, Overlay } = props;
  const ariaLabel = useMemo(() => props.ariaLabel ?? describeChart(props), [props]);

  /** The x values that have data, for the tooltip to snap to. */
  const xs = useMemo(() => {
    const set = new Set<number>();
    for (const s of series) for (const p of s.points) if (p.y !== null) set.add(p.x);
    return [...set].sort((a, b) => a - b);
  }, [series]);

  const onHover = (px: number | null) => {
    if (px === null || !g || xs.length === 0) return setHover(null);
    let best = xs[0]!;
    for (const x of xs) if (Math.abs(g.x(x) - px) < Math.abs(g.x(best) - px)) best = x;
    setHover(best);
  };

  return (
    <div className="histogram">
      <ChartDownload plot={box} />
      <div className="legend" aria-hidden="true">
        {series.map((s) => (
          <span key={s.key}>
            <LineSwatch series={s} /> {s.name}
          </span>
        ))}
        {scatter && scatter.points.length > 0 && (
          <span>
            <i style={{ background: scatter.color, borderRadius: '50%' }} /> {scatter.name}
          </span>
        )}
      </div>
      <div className="histogram-plot" ref={box}>
        {g && (
          <PlotSvg width={width} height={height} label={ariaLabel} onHover={onHover}>
            <Axes g={g} props={props} />
            {props.hLines?.map((h) => (
              <g key={h.label} className="h-line">
                <line
                  x1={g.left}
                  x2={g.right}
                  y1={g.y(h.y)}
                  y2={g.y(h.y)}
                  stroke={h.color}
                  strokeDasharray="5 4"
                />
                {/* Above the line, or below it when the line runs along the top. */}
                <text
                  x={g.left + 6}
                  y={g.y(h.y) - g.top < 16 ? g.y(h.y) + 14 : g.y(h.y) - 5}
                  fill={h.color}
                  fontSize={chartFont() + 1}
                >
                  {h.label}
                </text>
              </g>
            ))}
            {series.map((s, i) => (
              <g key={s.key} className="line-series" data-series={s.key}>
                <path
                  d={g.paths[i]}
                  fill="none"
                  stroke={s.color}
                  strokeWidth={2}
                  strokeDasharray={s.dash}
                />
                {s.points.map((p) =>
                  p.y === null ? null : marker(s, g.x(p.x), g.y(p.y), p.x, p.estimate),
                )}
              </g>
            ))}
            {scatter?.points.map((p, i) => (
              <circle
                key={i}
                className="scatter-point"
                cx={g.x(p.x)}
                cy={g.y(p.y)}
                r={p.muted ? SCATTER_R - 0.5 : SCATTER_R}
                fill={p.muted ? '#fff' : scatter.color}
                stroke={p.muted ? scatter.color : '#fff'}
                strokeWidth={p.muted ? 1.5 : 1}
                data-muted={p.muted ? 'true' : undefined}
              >
                <title>{`${p.label}: ${(props.describeY ?? props.formatY)(p.y)}`}</title>
              </circle>
            ))}
            {g.tags.map((t, i) =>
              t === null ? null : (
                <text
                  key={i}
                  className="scatter-tag"
                  x={t.x + 1}
                  y={t.y + t.h - 3}
                  fontSize={chartFont()}
                  fontWeight={600}
                  fill="#1d2330"
                  pointerEvents="none"
                >
                  {t.text}
                </text>
              ),
            )}
            {Overlay && <Overlay g={g.plot} />}
            {hover !== null && (
              <line
                x1={g.x(hover)}
                x2={g.x(hover)}
                y1={g.top}
                y2={g.bottom}
                stroke="#1c2333"
                strokeOpacity={0.25}
                pointerEvents="none"
              />
            )}
          </PlotSvg>
        )}
        {g && hover !== null && (
          <ChartTooltip x={g.x(hover) + 10} top={g.top} width={width} room={300}>
            <div>{(props.describeX ?? props.formatX)(hover)}</div>
            {series.map((s) => {
              const p = s.points.find((q) => q.x === hover);
              return (
                <div key={s.key}>
                  <i className="swatch" style={{ background: s.color }} /> {s.name}:{' '}
                  {p && p.y !== null ? (props.describeY ?? props.formatY)(p.y) : '…'}
                </div>
              );
            })}
          </ChartTooltip>
        )}
      </div>
    </div>
  );
});

/**
 * A series' point marker: a filled dot, or a hollow square that a dot under it shows through. An
 * estimate's has a dotted outline: a hollow dot (white inside), or the square, still hollow.
 */
function marker(s: LineSeries, cx: number, cy: number, key: number, estimate = false) {
  if (s.marker === 'none') return null;
  const outline = estimate
    ? {
        className: 'estimate',
        fill: s.marker === 'square' ? 'none' : '#fff',
        strokeDasharray: '2 1.5',
      }
    : { fill: 'none' };
  if (s.marker === 'square') {
    const half = estimate ? 4.5 : 4;
    return (
      <rect
        key={key}
        x={cx - half}
        y={cy - half}
        width={2 * half}
        height={2 * half}
        stroke={s.color}
        strokeWidth={1.5}
        {...outline}
      />
    );
  }
  return estimate ? (
    <circle key={key} cx={cx} cy={cy} r={4} stroke={s.color} strokeWidth={1.5} {...outline} />
  ) : (
    <circle key={key} cx={cx} cy={cy} r={2.5} fill={s.color} />
  );
}

/** The legend's sample of a series: its line (dashed or not) and its marker. */
function LineSwatch({ series }: { series: LineSeries }) {
  return (
    <svg className="line-swatch" width={24} height={10} aria-hidden="true">
      <line
        x1={1}
        x2={23}
        y1={5}
        y2={5}
        stroke={series.color}
        strokeWidth={2}
        strokeDasharray={series.dash ? '4 3' : undefined}
      />
      {marker(series, 12, 5, 0)}
    </svg>
  );
}

/**
 * The accessible name: the title, then every series' values, e.g. "Accuracy vs weight bits.
 * weights only: 1 bit 9.80%, 2 bits 52.1%, …; float32 97.60%".
 */
function describeChart(p: LineChartProps): string {
  const dx = p.describeX ?? p.formatX;
  const dy = p.describeY ?? p.formatY;
  const parts = p.series.map((s) => {
    const values = s.points
      .filter((q) => q.y !== null)
      .map((q) => `${dx(q.x)} ${dy(q.y!)}${q.estimate ? ' (estimate)' : ''}`);
    return `${s.name}: ${values.length > 0 ? values.join(', ') : 'not measured yet'}`;
  });
  if (p.scatter && p.scatter.points.length > 0)
    parts.push(
      `${p.scatter.name}: ${p.scatter.points.map((q) => `${q.label} ${dy(q.y)}`).join(', ')}`,
    );
  for (const h of p.hLines ?? []) parts.push(h.label);
  return `${p.title}. ${parts.join('; ')}`;
}

interface Geometry extends PlotGeometry {
  readonly plot: PlotGeometry;
  readonly xTicks: readonly number[];
  readonly yTicks: readonly number[];
  readonly paths: string[];
  /** The scatter's tags where they fit (Box: top-left corner and size), else null. */
  readonly tags: readonly ((Box & { readonly text: string }) | null)[];
}

function layout(p: LineChartProps, width: number, height: number): Geometry | null {
  if (width < 80 || height < 60) return null;
  const [x0, x1] = p.xDomain;
  const [y0, y1] = p.yDomain;
  const left = (MARGIN.left * chartFont()) / CHART_FONT;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  // Room below for the x labels and the axis title, at the text size drawn now.
  const bottom = height - (MARGIN.bottom * chartFont()) / CHART_FONT;
  const x = (v: number) => left + ((v - x0) / (x1 - x0)) * (right - left);
  const y = (v: number) => bottom - ((v - y0) / (y1 - y0)) * (bottom - top);
  const r = (v: number) => Math.round(v * 10) / 10;
  const paths = p.series.map((s) => {
    let d = '';
    for (const pt of s.points) {
      if (pt.y === null) continue; // bridged, as connectNulls
      d += `${d === '' ? 'M' : 'L'}${r(x(pt.x))},${r(y(pt.y))}`;
    }
    return d;
  });
  const plot = { x, y, left, right, top, bottom };
  const tagged = p.scatter?.points.filter((pt) => pt.tag !== undefined) ?? [];
  const boxes = placeLabels(
    tagged.map((pt) => ({
      x: x(pt.x),
      y: y(pt.y),
      w: pt.tag!.length * chartFont() * 0.62 + 2,
      h: chartFont() + 3,
    })),
    { x: left, y: top, w: right - left, h: bottom - top },
    SCATTER_R,
  );
  return {
    ...plot,
    plot,
    tags: boxes.map((b, i) => (b ? { ...b, text: tagged[i]!.tag! } : null)),
    xTicks: p.xTicks ?? niceTicks(x0, x1, Math.max(2, Math.floor((right - left) / 60))),
    yTicks: niceTicks(y0, y1, 5),
    paths,
  };
}

/** Room a tick label needs: half of it and half of its neighbour's, with a gap. */
function labelWidth(props: LineChartProps, t: number): number {
  return props.formatX(t).length * chartFont() * 0.62 + 6;
}

function Axes({ g, props }: { g: Geometry; props: LineChartProps }) {
  return (
    <g className="line-frame" fontSize={chartFont()} fill="#5b6478">
      <YGrid
        ticks={g.yTicks.map((v) => ({ v, px: g.y(v) }))}
        left={g.left}
        right={g.right}
        format={props.formatY}
      />
      {g.xTicks.map((t, i) => {
        const marked = props.xMarked?.includes(t) ?? false;
        // A label that would overlap the previous one (95% beside 99%) is left out.
        const labelled = i === 0 || g.x(t) - g.x(g.xTicks[i - 1]!) >= labelWidth(props, t);
        return (
          <g key={`x${t}`}>
            <line x1={g.x(t)} x2={g.x(t)} y1={g.top} y2={g.bottom} stroke="#eef1f5" />
            <text
              x={g.x(t)}
              y={g.bottom + 7}
              textAnchor="middle"
              dominantBaseline="hanging"
              fontWeight={marked ? 700 : 400}
              fill={marked ? '#1d2330' : undefined}
            >
              {labelled ? props.formatX(t) : ''}
            </text>
          </g>
        );
      })}
      <line x1={g.left} x2={g.right} y1={g.bottom} y2={g.bottom} stroke="#8a94a8" />
      <line x1={g.left} x2={g.left} y1={g.top} y2={g.bottom} stroke="#8a94a8" />
      <text
        x={(g.left + g.right) / 2}
        y={g.bottom + (30 * chartFont()) / CHART_FONT}
        textAnchor="middle"
      >
        {props.xLabel}
      </text>
    </g>
  );
}
