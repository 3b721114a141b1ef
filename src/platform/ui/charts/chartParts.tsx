import type { PointerEvent, ReactNode } from 'react';

/**
 * Pieces shared by the kit's SVG charts (Histogram, LineChart, RangeChart): the grid and tick
 * labels, the hover band and the tooltip, drawn the same way in each.
 */

/**
 * The chart's SVG: an image with an accessible name that lists what it shows (never focusable:
 * hovering only adds a tooltip), reporting the pointer for the hover tooltip.
 */
export function PlotSvg({
  width,
  height,
  label,
  onHover,
  children,
}: {
  width: number;
  height: number;
  label: string;
  /** The pointer's x in px from the SVG's left edge, or null once it leaves. */
  onHover: (x: number | null) => void;
  children: ReactNode;
}) {
  return (
    <svg
      width={width}
      height={height}
      role="img"
      aria-label={label}
      onPointerMove={(e: PointerEvent<SVGSVGElement>) =>
        onHover(e.clientX - e.currentTarget.getBoundingClientRect().left)
      }
      onPointerLeave={() => onHover(null)}
    >
      {children}
    </svg>
  );
}

export interface Tick {
  readonly v: number;
  /** Its position in px. */
  readonly px: number;
}

/** Dashed horizontal grid lines with their labels left of the plot; `strong` ticks are solid. */
export function YGrid({
  ticks,
  left,
  right,
  format,
  strong,
}: {
  ticks: readonly Tick[];
  left: number;
  right: number;
  format: (v: number) => string;
  strong?: (v: number) => boolean;
}) {
  return ticks.map((t) => {
    const solid = strong?.(t.v) ?? false;
    return (
      <g key={`y${t.v}`}>
        <line
          x1={left}
          x2={right}
          y1={t.px}
          y2={t.px}
          stroke={solid ? '#8a94a8' : '#e3e7ee'}
          strokeDasharray={solid ? undefined : '3 3'}
        />
        <text x={left - 6} y={t.px} textAnchor="end" dominantBaseline="middle">
          {format(t.v)}
        </text>
      </g>
    );
  });
}

/** Tick marks below the plot with their labels. */
export function XTicks({
  ticks,
  bottom,
  format,
}: {
  ticks: readonly Tick[];
  bottom: number;
  format: (v: number) => string;
}) {
  return ticks.map((t) => (
    <g key={`x${t.v}`}>
      <line x1={t.px} x2={t.px} y1={bottom} y2={bottom + 5} stroke="#8a94a8" />
      <text x={t.px} y={bottom + 7} textAnchor="middle" dominantBaseline="hanging">
        {format(t.v)}
      </text>
    </g>
  ));
}

/** The shaded column under the pointer (a bin, a channel). */
export function HoverBand({
  x,
  width,
  top,
  bottom,
}: {
  x: number;
  width: number;
  top: number;
  bottom: number;
}) {
  return (
    <rect
      x={x}
      y={top}
      width={Math.max(1, width)}
      height={bottom - top}
      fill="#1c2333"
      fillOpacity={0.08}
      pointerEvents="none"
    />
  );
}

/** The hover tooltip, beside the pointer's column and kept inside the chart's width. */
export function ChartTooltip({
  x,
  top,
  width,
  room,
  children,
}: {
  /** Where it would start, in px. */
  x: number;
  top: number;
  /** The chart's width, and the room the tooltip needs. */
  width: number;
  room: number;
  children: ReactNode;
}) {
  return (
    <div
      className="tooltip histogram-tooltip"
      style={{ left: Math.min(x, Math.max(0, width - room)), top }}
    >
      {children}
    </div>
  );
}
