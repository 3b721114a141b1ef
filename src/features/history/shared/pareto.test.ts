import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dominates, paretoFrontier } from './pareto';
import type { ParetoPoint } from './pareto';

/**
 * The size–accuracy Pareto frontier per model: hand-built cases for the rules (groups, ties,
 * unplaceable points) and properties against a brute-force definition written here.
 */

function pt(
  id: string,
  sizeBits: number,
  accuracy: number,
  group = 'mnist-mlp',
  createdAt?: number,
): ParetoPoint {
  return { id, group, sizeBits, accuracy, createdAt };
}

describe('paretoFrontier', () => {
  it('keeps the points nothing smaller-and-better beats, by size', () => {
    const points = [
      pt('a', 100, 0.9),
      pt('b', 200, 0.95),
      pt('c', 150, 0.85), // a is smaller and better
      pt('d', 300, 0.95), // b is as good and smaller
      pt('e', 50, 0.5),
      pt('f', 100, 0.8), // a is as small and better
    ];
    const { byGroup, onFrontier } = paretoFrontier(points);
    expect(byGroup.get('mnist-mlp')).toEqual(['e', 'a', 'b']);
    expect([...onFrontier].sort()).toEqual(['a', 'b', 'e']);
  });

  it('compares a model only with itself', () => {
    const points = [pt('small', 100, 0.9, 'mnist-mlp'), pt('worse', 500, 0.5, 'fashion-cnn')];
    const { byGroup, onFrontier } = paretoFrontier(points);
    expect(byGroup.get('mnist-mlp')).toEqual(['small']);
    expect(byGroup.get('fashion-cnn')).toEqual(['worse']);
    expect(onFrontier.has('worse')).toBe(true);
  });

  it('keeps only the oldest of equal points, or the first without times', () => {
    const timed = [pt('new', 100, 0.9, 'g', 3000), pt('old', 100, 0.9, 'g', 1000)];
    expect(paretoFrontier(timed).byGroup.get('g')).toEqual(['old']);
    expect(paretoFrontier([...timed].reverse()).byGroup.get('g')).toEqual(['old']);
    const untimed = [pt('first', 100, 0.9), pt('second', 100, 0.9)];
    expect(paretoFrontier(untimed).byGroup.get('mnist-mlp')).toEqual(['first']);
  });

  it('leaves out points that cannot be placed, and dominates nothing with them', () => {
    const points = [pt('nan', Number.NaN, 1), pt('inf', 10, Infinity), pt('ok', 100, 0.5)];
    const { byGroup, onFrontier } = paretoFrontier(points);
    expect(byGroup.get('mnist-mlp')).toEqual(['ok']);
    expect(onFrontier.size).toBe(1);
    expect(paretoFrontier([]).byGroup.size).toBe(0);
  });

  it('dominates: strictly better in one, no worse in the other, same group', () => {
    expect(dominates(pt('a', 1, 0.5), pt('b', 2, 0.5))).toBe(true);
    expect(dominates(pt('a', 1, 0.5), pt('b', 1, 0.4))).toBe(true);
    expect(dominates(pt('a', 1, 0.5), pt('b', 1, 0.5))).toBe(false);
    expect(dominates(pt('a', 1, 0.5), pt('b', 2, 0.6))).toBe(false);
    expect(dominates(pt('a', 1, 0.5, 'x'), pt('b', 2, 0.4, 'y'))).toBe(false);
  });
});

// ---- properties, against the definition checked pair by pair ----

/** Few distinct values, so ties and equal sizes or accuracies are common. */
const arbPoints = fc
  .array(
    fc.record({
      group: fc.constantFrom('g1', 'g2', 'g3'),
      sizeBits: fc.integer({ min: 0, max: 8 }),
      accuracy: fc.integer({ min: 0, max: 8 }).map((k) => k / 8),
      createdAt: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
    }),
    { maxLength: 40 },
  )
  .map((ps) => ps.map((p, i): ParetoPoint => ({ ...p, id: `p${i}` })));

/** q beats p: same group, no worse in both, strictly better in one. */
function strictlyBetter(q: ParetoPoint, p: ParetoPoint): boolean {
  return (
    q.group === p.group &&
    q.sizeBits <= p.sizeBits &&
    q.accuracy >= p.accuracy &&
    (q.sizeBits < p.sizeBits || q.accuracy > p.accuracy)
  );
}

/** q is equal to p and comes first by the tie rule (older, then earlier in the input). */
function equalAndFirst(q: ParetoPoint, qi: number, p: ParetoPoint, pi: number): boolean {
  if (q.group !== p.group || q.sizeBits !== p.sizeBits || q.accuracy !== p.accuracy) return false;
  const qt = q.createdAt ?? 0;
  const pt = p.createdAt ?? 0;
  return qt < pt || (qt === pt && qi < pi);
}

describe('paretoFrontier properties', () => {
  it('no frontier point is beaten; every other point is beaten or tied by a frontier one', () => {
    fc.assert(
      fc.property(arbPoints, (points) => {
        const { onFrontier } = paretoFrontier(points);
        points.forEach((p, pi) => {
          const beaten = points.some(
            (q, qi) => strictlyBetter(q, p) || equalAndFirst(q, qi, p, pi),
          );
          expect(onFrontier.has(p.id)).toBe(!beaten);
          if (!onFrontier.has(p.id)) {
            const witness = points.some(
              (q, qi) =>
                onFrontier.has(q.id) && (strictlyBetter(q, p) || equalAndFirst(q, qi, p, pi)),
            );
            expect(witness).toBe(true);
          }
        });
      }),
    );
  });

  it('lists each group by rising size and rising accuracy, and only its own points', () => {
    fc.assert(
      fc.property(arbPoints, (points) => {
        const { byGroup, onFrontier } = paretoFrontier(points);
        const byId = new Map(points.map((p) => [p.id, p]));
        const listed = [...byGroup.values()].flat();
        expect(new Set(listed)).toEqual(onFrontier);
        expect(listed.length).toBe(onFrontier.size);
        for (const [group, ids] of byGroup) {
          const ps = ids.map((id) => byId.get(id)!);
          expect(ps.every((p) => p.group === group)).toBe(true);
          for (let i = 1; i < ps.length; i++) {
            expect(ps[i]!.sizeBits).toBeGreaterThan(ps[i - 1]!.sizeBits);
            expect(ps[i]!.accuracy).toBeGreaterThan(ps[i - 1]!.accuracy);
          }
        }
        expect(new Set(byGroup.keys())).toEqual(new Set(points.map((p) => p.group)));
      }),
    );
  });

  it('does not depend on the input order when times are distinct', () => {
    const distinctTimes = arbPoints.map((ps) => ps.map((p, i) => ({ ...p, createdAt: i })));
    fc.assert(
      fc.property(
        distinctTimes.chain((ps) =>
          fc.tuple(fc.constant(ps), fc.shuffledSubarray(ps, { minLength: ps.length })),
        ),
        ([points, shuffled]) => {
          const a = paretoFrontier(points);
          const b = paretoFrontier(shuffled);
          expect(b.onFrontier).toEqual(a.onFrontier);
          for (const [g, ids] of a.byGroup) expect(b.byGroup.get(g)).toEqual(ids);
        },
      ),
    );
  });
});
