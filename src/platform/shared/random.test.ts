import { describe, expect, it } from 'vitest';
import { mulberry32 } from './random';

describe('mulberry32', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const sa = Array.from({ length: 8 }, a);
    expect(Array.from({ length: 8 }, b)).toEqual(sa);
    expect(Array.from({ length: 8 }, c)).not.toEqual(sa);
  });

  it('stays in [0, 1) with a mean near 1/2', () => {
    const r = mulberry32(7);
    let sum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = r();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    // σ of the mean = sqrt(1/12 / n) ≈ 0.0009; 5σ.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.0046);
  });
});
