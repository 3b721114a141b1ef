import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { magnitudeMask } from './magnitude';
import { countKept } from './mask';
import { nmMask, nmSparsity } from './nm';

/** Reference: for output o, group g, sort rows by (|w| desc, row desc) and keep the first min(N, L). */
function referenceNM(w: Float32Array, rows: number, outs: number, n: number, m: number): number[] {
  const mask = new Array<number>(w.length).fill(0);
  for (let o = 0; o < outs; o++) {
    for (let g = 0; g < rows; g += m) {
      const group = [];
      for (let r = g; r < Math.min(g + m, rows); r++) group.push(r);
      group.sort((a, b) => Math.abs(w[b * outs + o]!) - Math.abs(w[a * outs + o]!) || b - a);
      for (const r of group.slice(0, n)) mask[r * outs + o] = 1;
    }
  }
  return mask;
}

const patterns: [number, number][] = [
  [2, 4],
  [1, 4],
  [4, 8],
];

describe('nmMask', () => {
  for (const [n, m] of patterns) {
    it(`${n}:${m} keeps the ${n} largest |w| of every ${m} along the reduction axis`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 20 }),
          fc.integer({ min: 1, max: 6 }),
          fc.array(fc.integer({ min: -9, max: 9 }), { minLength: 120, maxLength: 120 }),
          (rows, outs, pool) => {
            const w = Float32Array.from({ length: rows * outs }, (_, i) => pool[i % 120]! / 4);
            expect(Array.from(nmMask(w, [rows, outs], n, m))).toEqual(
              referenceNM(w, rows, outs, n, m),
            );
          },
        ),
      );
    });
  }

  it('achieves exactly 1 − N/M when the reduction length is a multiple of M', () => {
    const w = Float32Array.from({ length: 784 * 30 }, (_, i) => Math.sin(i * 12.9898));
    for (const [n, m] of patterns) {
      const mask = nmMask(w, [784, 30], n, m);
      expect(1 - countKept(mask) / mask.length).toBe(nmSparsity(n, m));
    }
  });

  it('groups along the flattened (kh, kw, in) axis of a Conv2D kernel for each filter', () => {
    // [1, 2, 2, 2]: reduction rows r = (x, c) → 0..3, output o fastest. Filter 0 has rows
    // |w| = 4, 1, 3, 2 → keeps rows 0, 2; filter 1 has 1, 2, 3, 4 → keeps rows 2, 3.
    const w = Float32Array.of(4, 1, -1, 2, 3, -3, -2, 4);
    expect(Array.from(nmMask(w, [1, 2, 2, 2], 2, 4))).toEqual([1, 0, 0, 0, 1, 1, 0, 1]);
  });

  it('keeps min(N, L) of a partial last group', () => {
    const w = Float32Array.of(1, 2, 3, 4, 5, 6); // Dense [6, 1]: groups {0..3}, {4, 5}
    expect(Array.from(nmMask(w, [6, 1], 2, 4))).toEqual([0, 0, 1, 1, 1, 1]);
    expect(Array.from(nmMask(w, [6, 1], 1, 4))).toEqual([0, 0, 0, 1, 0, 1]);
    expect(Array.from(nmMask(w, [6, 1], 4, 8))).toEqual([0, 0, 1, 1, 1, 1]);
  });

  it('prunes the lower index first among ties, as magnitude and structured pruning do', () => {
    expect(Array.from(nmMask(Float32Array.of(1, -1, 1, 1), [4, 1], 2, 4))).toEqual([0, 0, 1, 1]);
    // Only the tied pair at the threshold is decided by index: 3 > 2 = 2 > 1.
    expect(Array.from(nmMask(Float32Array.of(2, 1, 2, 3), [4, 1], 2, 4))).toEqual([0, 0, 1, 1]);
    expect(Array.from(nmMask(Float32Array.of(2, 3, 2, 1), [4, 1], 2, 4))).toEqual([0, 1, 1, 0]);
    // The same rule as a magnitude mask on the group alone.
    const g = Float32Array.of(0.5, 0.5, 0.5, 0.5);
    expect(Array.from(nmMask(g, [4, 1], 2, 4))).toEqual(Array.from(magnitudeMask(g, 0.5)));
  });

  it('covers N = 0 and N = M, and rejects bad patterns', () => {
    const w = Float32Array.of(1, 2, 3, 4);
    expect(Array.from(nmMask(w, [4, 1], 0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(nmMask(w, [4, 1], 4, 4))).toEqual([1, 1, 1, 1]);
    for (const [n, m] of [
      [3, 2],
      [-1, 4],
      [2, 0],
      [1.5, 4],
    ] as const) {
      expect(() => nmMask(w, [4, 1], n, m)).toThrow(RangeError);
    }
  });
});
