import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { niceTicks, tickStep } from './ticks';

describe('niceTicks', () => {
  it('picks round values like d3', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-0.27, 0.31, 5)).toEqual([-0.2, -0.1, 0, 0.1, 0.2, 0.3]);
    expect(niceTicks(0, 23_517, 4)).toEqual([0, 5000, 10000, 15000, 20000]);
    expect(niceTicks(0.3, 0.3, 5)).toEqual([0.3]);
    expect(niceTicks(0, NaN, 5)).toEqual([]);
  });

  it('stays inside the range, evenly spaced by 1, 2 or 5 × 10^k, about count of them', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.integer({ min: 2, max: 12 }),
        (lo, span, count) => {
          const hi = lo + span;
          const ticks = niceTicks(lo, hi, count);
          const step = tickStep(lo, hi, count);
          const mantissa = step / 10 ** Math.floor(Math.log10(step));
          expect([1, 2, 5, 10].some((f) => Math.abs(mantissa - f) < 1e-9)).toBe(true);
          expect(ticks.length).toBeGreaterThanOrEqual(1);
          expect(ticks.length).toBeLessThanOrEqual(2 * count + 2);
          // Rounding a tick to its decimals may move it by float64 noise, relative to |hi|.
          const tol = step * 1e-6 + Math.max(Math.abs(lo), Math.abs(hi)) * 1e-12;
          for (const t of ticks) {
            expect(t).toBeGreaterThanOrEqual(lo - tol);
            expect(t).toBeLessThanOrEqual(hi + tol);
          }
          for (let i = 1; i < ticks.length; i++)
            expect(ticks[i]! - ticks[i - 1]!).toBeCloseTo(step, 6);
        },
      ),
      { examples: [[999999.9999999999, 0.000001, 4]] },
    );
  });
});
