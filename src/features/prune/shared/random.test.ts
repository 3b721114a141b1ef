import { describe, expect, it } from 'vitest';
import { countKept, pruneCount } from './mask';
import { randomMask } from './random';

describe('randomMask', () => {
  it('prunes exactly round(s · n) weights, for 0, 1 and half-way roundings', () => {
    for (const [n, s] of [
      [1000, 0.9],
      [5, 0.5],
      [7, 0.5],
      [10, 0],
      [10, 1],
      [0, 0.5],
    ] as const) {
      expect(n - countKept(randomMask(n, s, 3))).toBe(pruneCount(s, n));
    }
  });

  it('is reproducible for a seed and differs for another seed', () => {
    expect(randomMask(1000, 0.5, 42)).toEqual(randomMask(1000, 0.5, 42));
    expect(randomMask(1000, 0.5, 42)).not.toEqual(randomMask(1000, 0.5, 43));
  });

  it('prunes every position about equally often across seeds', () => {
    const n = 20;
    const hits = new Array<number>(n).fill(0);
    const trials = 2000;
    for (let seed = 0; seed < trials; seed++) {
      const m = randomMask(n, 0.25, seed);
      for (let i = 0; i < n; i++) if (m[i] === 0) hits[i]!++;
    }
    // p = 0.25, σ = sqrt(2000 · 0.25 · 0.75) ≈ 19.4: allow 5σ around 500.
    for (const h of hits) expect(Math.abs(h - 500)).toBeLessThan(97);
  });
});
