/**
 * The Pareto frontier of the history's size–accuracy chart, per model: the entries no other entry
 * of the same model beats, i.e. none is at most as big and at least as accurate, and strictly
 * better in one of the two. Models are compared only with themselves (a 784-16-10 student is not
 * a better MNIST MLP, it is another model).
 *
 * Ties: of entries with the same size and the same accuracy, only one is on the frontier — the
 * oldest (smallest `createdAt`, a missing one counting as 0), or, with equal times, the first in
 * `points`. The others are duplicates of it and are drawn as dominated, so the frontier line has
 * no doubled points and one entry to point at.
 *
 * A point with a size or accuracy that is not a finite number is never on the frontier and
 * dominates nothing (it cannot be placed on the chart).
 */

export interface ParetoPoint {
  readonly id: string;
  /** The model key: points are compared within a group only. */
  readonly group: string;
  /** True packed size in bits: smaller is better. */
  readonly sizeBits: number;
  /** In [0, 1]: larger is better. */
  readonly accuracy: number;
  /** Milliseconds since the epoch; breaks ties between equal points (the oldest stays). */
  readonly createdAt?: number;
}

export interface ParetoFrontier {
  /** Per group (model key), the ids on its frontier by size, smallest first (accuracy rises). */
  readonly byGroup: ReadonlyMap<string, readonly string[]>;
  /** The ids of all frontier points, to highlight them. */
  readonly onFrontier: ReadonlySet<string>;
}

function placeable(p: ParetoPoint): boolean {
  return Number.isFinite(p.sizeBits) && Number.isFinite(p.accuracy);
}

/**
 * The frontier of each group. One sweep per group after sorting by size (then accuracy
 * descending, then age, then input order): a point is on the frontier exactly when it is more
 * accurate than every point before it, since those are the only ones that can dominate or
 * precede it as a tie. O(n log n).
 */
export function paretoFrontier(points: readonly ParetoPoint[]): ParetoFrontier {
  const groups = new Map<string, { p: ParetoPoint; i: number }[]>();
  points.forEach((p, i) => {
    if (!placeable(p)) return;
    const list = groups.get(p.group);
    if (list) list.push({ p, i });
    else groups.set(p.group, [{ p, i }]);
  });

  const byGroup = new Map<string, string[]>();
  const onFrontier = new Set<string>();
  for (const [group, list] of groups) {
    list.sort(
      (a, b) =>
        a.p.sizeBits - b.p.sizeBits ||
        b.p.accuracy - a.p.accuracy ||
        (a.p.createdAt ?? 0) - (b.p.createdAt ?? 0) ||
        a.i - b.i,
    );
    const frontier: string[] = [];
    let best = -Infinity;
    for (const { p } of list) {
      if (p.accuracy > best) {
        best = p.accuracy;
        frontier.push(p.id);
        onFrontier.add(p.id);
      }
    }
    byGroup.set(group, frontier);
  }
  return { byGroup, onFrontier };
}

/**
 * True if `a` dominates `b`: same group, both placeable, at most as big and at least as accurate,
 * and strictly better in one (equal points do not dominate each other; see the tie rule above).
 */
export function dominates(a: ParetoPoint, b: ParetoPoint): boolean {
  return (
    a.group === b.group &&
    placeable(a) &&
    placeable(b) &&
    a.sizeBits <= b.sizeBits &&
    a.accuracy >= b.accuracy &&
    (a.sizeBits < b.sizeBits || a.accuracy > b.accuracy)
  );
}
