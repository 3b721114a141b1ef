import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accuracyDomain, formatKb, logKb, logSizeDomain, logTicks } from './logSize';

describe('log size axis', () => {
  it('places bits at log10 of kilobytes (1 KB = 8,000 bits)', () => {
    expect(logKb(8000)).toBeCloseTo(0, 12);
    expect(logKb(8_000_000)).toBeCloseTo(3, 12);
    expect(formatKb(3.4321)).toBe('3.4 KB');
    expect(formatKb(51.2)).toBe('51 KB');
  });

  it('ticks at 1, 2 and 5 × 10^k inside the range', () => {
    const ticks = logTicks(Math.log10(3), Math.log10(300));
    expect(ticks.map((t) => Math.round(10 ** t))).toEqual([5, 10, 20, 50, 100, 200]);
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 6, noNaN: true }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        (lo, span) => {
          const ts = logTicks(lo, lo + span);
          expect(ts.length).toBeGreaterThanOrEqual(2);
          for (const t of ts) {
            expect(t).toBeGreaterThanOrEqual(lo);
            expect(t).toBeLessThanOrEqual(lo + span);
          }
        },
      ),
    );
  });

  it('pads a lone point by half a decade and keeps every point inside', () => {
    expect(logSizeDomain([1])).toEqual([0.65, 1.35]);
    expect(logSizeDomain([])).toEqual([-0.35, 1.35]);
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3, max: 6, noNaN: true }), { minLength: 1 }), (xs) => {
        const [lo, hi] = logSizeDomain(xs);
        for (const x of xs) {
          expect(x).toBeGreaterThan(lo);
          expect(x).toBeLessThan(hi);
        }
      }),
    );
  });

  it('gives accuracies a percent domain that reaches 100 and starts below the lowest', () => {
    expect(accuracyDomain([0.975, 0.91])).toEqual([80, 100]);
    expect(accuracyDomain([0.01])).toEqual([0, 100]);
    expect(accuracyDomain([])).toEqual([0, 100]);
  });
});
