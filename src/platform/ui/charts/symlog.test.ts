import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelledTicks, symlog, symlogScale } from './symlog';

describe('symlog', () => {
  it('is 0 at 0, odd, and logarithmic far from 0', () => {
    expect(symlog(0, 0.1)).toBe(0);
    expect(symlog(-5, 0.1)).toBe(-symlog(5, 0.1));
    expect(symlog(99.9, 0.1)).toBeCloseTo(3, 10);
    expect(symlog(0.9, 0.1)).toBeCloseTo(1, 10);
  });
});

describe('symlogScale', () => {
  it('rounds the domain out to decades of c and labels each one', () => {
    const s = symlogScale([0, 0.05, 0.4, 3.2, 78], 0.1);
    expect([s.lo, s.hi]).toEqual([0, 100]);
    expect(s.ticks).toEqual([0, 0.1, 1, 10, 100]);
    expect(s.zero).toBe(0);
    expect(s.at(100)).toBe(1);
    // Equal steps per decade, far from 0.
    expect(s.at(10) - s.at(1)).toBeCloseTo(s.at(100) - s.at(10), 1);
  });

  it('keeps a one-image drop visible next to a collapse', () => {
    // 0.05 points (1 image in 2,000) beside an 80-point drop: over 5% of the track.
    const s = symlogScale([0.05, 80], 0.1);
    expect(s.at(0.05)).toBeGreaterThan(0.05);
  });

  it('puts 0 inside the track when a layer gains', () => {
    const s = symlogScale([-0.05, 0.3, 12], 0.1);
    expect(s.lo).toBe(-0.1);
    expect(s.hi).toBe(100);
    expect(s.ticks).toEqual([-0.1, 0, 0.1, 1, 10, 100]);
    expect(s.zero).toBeGreaterThan(0);
    expect(s.at(-0.05)).toBeLessThan(s.zero);
    expect(s.at(-0.1)).toBe(0);
  });

  it('has a usable domain with nothing measured yet', () => {
    const s = symlogScale([], 0.1);
    expect([s.lo, s.hi]).toEqual([0, 1]);
    expect(s.ticks).toEqual([0, 0.1, 1]);
    const neg = symlogScale([-2], 0.1);
    expect([neg.lo, neg.hi]).toEqual([-10, 0]);
    expect(neg.zero).toBe(1);
  });

  it('is monotone and maps the data into [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 12 }),
        (values) => {
          const s = symlogScale(values, 0.1);
          const sorted = [...values].sort((a, b) => a - b);
          for (let i = 0; i < sorted.length; i++) {
            const p = s.at(sorted[i]!);
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(1);
            if (i > 0) expect(p).toBeGreaterThanOrEqual(s.at(sorted[i - 1]!));
          }
          expect(s.lo).toBeLessThanOrEqual(Math.min(0, ...values));
          expect(s.hi).toBeGreaterThanOrEqual(Math.max(0, ...values));
        },
      ),
    );
  });
});

describe('labelledTicks', () => {
  const format = (v: number) => (v < 0 ? `−${-v}` : String(v));

  it('keeps 0 and drops a label that would touch its neighbour', () => {
    // On 200 px, −0.1 lies 18 px left of 0: "−0.1" and "0" need 13 + 3 + 4 = 20 px.
    const s = symlogScale([-0.05, 78], 0.1);
    expect(s.ticks).toEqual([-0.1, 0, 0.1, 1, 10, 100]);
    expect(labelledTicks(s, format, 200)).toEqual([0, 0.1, 1, 10, 100]);
    // Twice as wide, there is room for all.
    expect(labelledTicks(s, format, 400)).toEqual(s.ticks);
  });

  it('never keeps two labels that touch', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { maxLength: 8 }),
        fc.integer({ min: 40, max: 800 }),
        (values, px) => {
          const s = symlogScale(values, 0.1);
          const shown = labelledTicks(s, format, px);
          expect(shown).toContain(0);
          for (let i = 1; i < shown.length; i++) {
            const [a, b] = [shown[i - 1]!, shown[i]!];
            const need = ((format(a).length + format(b).length) * 6.6) / 2 + 4;
            expect((s.at(b) - s.at(a)) * px).toBeGreaterThanOrEqual(need - 1e-9);
          }
        },
      ),
    );
  });
});
