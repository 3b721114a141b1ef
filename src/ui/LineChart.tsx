import { memo, useMemo, useRef, useState } from 'react';
import type { ComponentType, PointerEvent } from 'react';
import { formatPercent } from './format';
import { niceTicks } from './ticks';
import { useSize } from './useSize';

/**
 * A line chart drawn as plain SVG, for the accuracy sweeps. They fill in point by point while
 * the user may be dragging a slider; as recharts charts each new point cost the main thread a
 * 50–120 ms task, drawn this way a few ms.
 */

export interface LineSeries {
  readonly key: string;
  readonly name: string;
  readonly color: string;
  /** Points in x order; a null y is a gap that the line bridges. */
  readonly points: readonly { readonly x: number; readonly y: number | null }[];
  readonly dots?: boolean;
}

export interface ScatterSeries {
  readonly name: string;
  readonly color: string;
  readonly points: readonly { readonly x: number; readonly y: number; readonly label: string }[];
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

/** The float32 model's accuracy (a fraction) as a dashed line on a 0–100% axis. */
export function useBaseline(accuracy: number | null): LineChartProps['hLines'] {
  return useMemo(
    () =>
      accuracy === null
        ? []
        : [{ y: accuracy * 100, color: '#2f9e6e', label: `float32 ${formatPercent(accuracy)}` }],
    [accuracy],
  );
}

const FONT = 11;
const MARGIN = { top: 10, right: 20, bottom: 36, left: 46 };

export const LineChart = memo(function LineChart(props: LineChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const { width, height } = useSize(box);
  const [hover, setHover] = useState<number | null>(null);
  const g = useMemo(() => layout(props, width, height), [props, width, height]);
  const { series, scatter, Overlay } = props;

  /** The x values that have data, for the tooltip to snap to. */
  const xs = useMemo(() => {
    const set = new Set<number>();
    for (const s of series) for (const p of s.points) if (p.y !== null) set.add(p.x);
    return [...set].sort((a, b) => a - b);
  }, [series]);

  const onMove = (e: PointerEvent<SVGSVGElement>) => {
    if (!g || xs.length === 0) return;
    const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
    let best = xs[0]!;
    for (const x of xs) if (Math.abs(g.x(x) - px) < Math.abs(g.x(best) - px)) best = x;
    setHover(best);
  };

  return (
    <div className="histogram">
      <div className="legend" aria-hidden="true">
        {series.map((s) => (
          <span key={s.key}>
            <i style={{ background: s.color }} /> {s.name}
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
          <svg
            width={width}
            height={height}
            role="img"
            aria-label={`${series.map((s) => s.name).join(', ')} against ${props.xLabel}`}
            onPointerMove={onMove}
            onPointerLeave={() => setHover(null)}
          >
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
                  fontSize={FONT + 1}
                >
                  {h.label}
                </text>
              </g>
            ))}
            {series.map((s, i) => (
              <g key={s.key} className="line-series" data-series={s.key}>
                <path d={g.paths[i]} fill="none" stroke={s.color} strokeWidth={2} />
                {s.dots !== false &&
                  s.points.map((p) =>
                    p.y === null ? null : (
                      <circle key={p.x} cx={g.x(p.x)} cy={g.y(p.y)} r={2.5} fill={s.color} />
                    ),
                  )}
              </g>
            ))}
            {scatter?.points.map((p, i) => (
              <circle
                key={i}
                className="scatter-point"
                cx={g.x(p.x)}
                cy={g.y(p.y)}
                r={4.5}
                fill={scatter.color}
                stroke="#fff"
              >
                <title>{`${p.label}: ${(props.describeY ?? props.formatY)(p.y)}`}</title>
              </circle>
            ))}
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
          </svg>
        )}
        {g && hover !== null && (
          <div
            className="tooltip histogram-tooltip"
            style={{ left: Math.min(g.x(hover) + 10, Math.max(0, width - 200)), top: g.top }}
          >
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
          </div>
        )}
      </div>
    </div>
  );
});

interface Geometry extends PlotGeometry {
  readonly plot: PlotGeometry;
  readonly xTicks: readonly number[];
  readonly yTicks: readonly number[];
  readonly paths: string[];
}

function layout(p: LineChartProps, width: number, height: number): Geometry | null {
  if (width < 80 || height < 60) return null;
  const [x0, x1] = p.xDomain;
  const [y0, y1] = p.yDomain;
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
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
  return {
    ...plot,
    plot,
    xTicks: p.xTicks ?? niceTicks(x0, x1, Math.max(2, Math.floor((right - left) / 60))),
    yTicks: niceTicks(y0, y1, 5),
    paths,
  };
}

/** Room a tick label needs: half of it and half of its neighbour's, with a gap. */
function labelWidth(props: LineChartProps, t: number): number {
  return props.formatX(t).length * FONT * 0.62 + 6;
}

function Axes({ g, props }: { g: Geometry; props: LineChartProps }) {
  return (
    <g className="line-frame" fontSize={FONT} fill="#5b6478">
      {g.yTicks.map((t) => (
        <g key={`y${t}`}>
          <line
            x1={g.left}
            x2={g.right}
            y1={g.y(t)}
            y2={g.y(t)}
            stroke="#e3e7ee"
            strokeDasharray="3 3"
          />
          <text x={g.left - 6} y={g.y(t)} textAnchor="end" dominantBaseline="middle">
            {props.formatY(t)}
          </text>
        </g>
      ))}
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
      <text x={(g.left + g.right) / 2} y={g.bottom + 30} textAnchor="middle">
        {props.xLabel}
      </text>
    </g>
  );
}
