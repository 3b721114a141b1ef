import { describe, expect, it } from 'vitest';
import { shapeSize, tensorStats } from './stats';

describe('tensorStats', () => {
  it('computes min, max, mean, population std, mean |x| and zeros', () => {
    const s = tensorStats(new Float32Array([-2, 0, 0, 2, 5]));
    expect(s.count).toBe(5);
    expect(s.min).toBe(-2);
    expect(s.max).toBe(5);
    expect(s.mean).toBeCloseTo(1);
    // Σ(x−1)² = 9+1+1+1+16 = 28 → std = √(28/5)
    expect(s.std).toBeCloseTo(Math.sqrt(28 / 5));
    expect(s.absMean).toBeCloseTo(9 / 5);
    expect(s.zeros).toBe(2);
  });

  it('is stable for a large offset where the naive formula cancels', () => {
    const xs = new Float64Array(1000).map((_, i) => 1e8 + (i % 2));
    expect(tensorStats(xs).std).toBeCloseTo(0.5, 6);
  });

  it('returns zeros for an empty tensor', () => {
    expect(tensorStats([])).toMatchObject({ count: 0, mean: 0, std: 0 });
  });

  it('multiplies shape dimensions', () => {
    expect(shapeSize([5, 5, 1, 6])).toBe(150);
    expect(shapeSize([])).toBe(1);
  });
});
