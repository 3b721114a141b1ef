import { describe, expect, it } from 'vitest';
import { proposeMixedPrecision } from './mixedPrecision';
import type { LayerCandidate } from './mixedPrecision';

const layer = (name: string, weights: number, drops: Record<number, number>): LayerCandidate => ({
  name,
  sizeBits: (b) => weights * b + 32,
  drop: (b) => drops[b] ?? 0,
});

describe('proposeMixedPrecision', () => {
  const big = layer('big', 1000, { 8: 0, 4: 0.001, 2: 0.02 });
  const small = layer('small', 100, { 8: 0, 4: 0.05, 2: 0.3 });

  it('keeps everything at the widest candidate when it already fits', () => {
    const r = proposeMixedPrecision([big, small], [2, 4, 8], 1e9);
    expect(r.assignment).toEqual({ big: 8, small: 8 });
    expect(r.feasible).toBe(true);
    expect(r.predictedDrop).toBe(0);
  });

  it('squeezes the insensitive layer first', () => {
    // 8 bits: 8000+32 + 800+32 = 8864. Target 5000: lowering "big" to 4 saves 4000 for 0.001.
    const r = proposeMixedPrecision([big, small], [8, 4, 2], 5000);
    expect(r.assignment).toEqual({ big: 4, small: 8 });
    expect(r.totalBits).toBe(4032 + 832);
    expect(r.predictedDrop).toBeCloseTo(0.001);
  });

  it('goes as low as needed and reports infeasible targets', () => {
    const r = proposeMixedPrecision([big, small], [8, 4, 2], 100);
    expect(r.assignment).toEqual({ big: 2, small: 2 });
    expect(r.feasible).toBe(false);
  });

  it('never exceeds the target when it reports feasible', () => {
    for (const target of [3000, 4500, 6000, 8000]) {
      const r = proposeMixedPrecision([big, small], [8, 4, 2], target);
      if (r.feasible) expect(r.totalBits).toBeLessThanOrEqual(target);
    }
  });
});
