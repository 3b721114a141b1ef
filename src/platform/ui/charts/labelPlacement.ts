/**
 * Places short text labels next to scatter points without overlaps, greedily (as most charting
 * tools do for a few dozen points): each label, in order, takes the first of eight spots around
 * its point — right, left, above, below, then the diagonals — whose box stays inside the plot and
 * overlaps neither a label already placed nor any point's marker. A label with no free spot is
 * left out (null); callers list every point elsewhere (a table), so none is lost.
 */

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface LabelRequest {
  /** The point, in px. */
  readonly x: number;
  readonly y: number;
  /** The label's size, in px. */
  readonly w: number;
  readonly h: number;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function inside(a: Box, bounds: Box): boolean {
  return (
    a.x >= bounds.x &&
    a.y >= bounds.y &&
    a.x + a.w <= bounds.x + bounds.w &&
    a.y + a.h <= bounds.y + bounds.h
  );
}

/**
 * Label boxes (top-left corner and size) for `labels`, or null where none fits. `radius` is the
 * markers' radius: labels keep `gap` px away from their own point and stay off every marker.
 */
export function placeLabels(
  labels: readonly LabelRequest[],
  bounds: Box,
  radius: number,
  gap = 2,
): (Box | null)[] {
  const markers: Box[] = labels.map((p) => ({
    x: p.x - radius,
    y: p.y - radius,
    w: 2 * radius,
    h: 2 * radius,
  }));
  const placed: Box[] = [];
  return labels.map((p) => {
    const d = radius + gap;
    const candidates: Box[] = [
      { x: p.x + d, y: p.y - p.h / 2, w: p.w, h: p.h },
      { x: p.x - d - p.w, y: p.y - p.h / 2, w: p.w, h: p.h },
      { x: p.x - p.w / 2, y: p.y - d - p.h, w: p.w, h: p.h },
      { x: p.x - p.w / 2, y: p.y + d, w: p.w, h: p.h },
      { x: p.x + d * 0.7, y: p.y - d * 0.7 - p.h, w: p.w, h: p.h },
      { x: p.x - d * 0.7 - p.w, y: p.y - d * 0.7 - p.h, w: p.w, h: p.h },
      { x: p.x + d * 0.7, y: p.y + d * 0.7, w: p.w, h: p.h },
      { x: p.x - d * 0.7 - p.w, y: p.y + d * 0.7, w: p.w, h: p.h },
    ];
    const spot = candidates.find(
      (c) =>
        inside(c, bounds) &&
        !placed.some((b) => overlaps(c, b)) &&
        !markers.some((m) => overlaps(c, m)),
    );
    if (!spot) return null;
    placed.push(spot);
    return spot;
  });
}
