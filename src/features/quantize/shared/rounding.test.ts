import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../platform/shared/random';
import { roundHalfEven, roundStochastic } from './rounding';

describe('roundHalfEven', () => {
  it('sends ties to the even neighbour', () => {
    const ties = [-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 126.5, 127.5];
    expect(ties.map(roundHalfEven)).toEqual([-4, -2, -2, -0, 0, 2, 2, 4, 126, 128]);
  });

  it('rounds non-ties to the nearest integer', () => {
    expect([0.49999999999999994, 0.5000000000000001, -1.2, 2.7, 1e20].map(roundHalfEven)).toEqual([
      0, 1, -1, 3, 1e20,
    ]);
  });

  it('is within 1/2 of its input and agrees with Math.round off ties', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (v) => {
        const r = roundHalfEven(v);
        expect(Number.isInteger(r)).toBe(true);
        expect(Math.abs(r - v)).toBeLessThanOrEqual(0.5);
        if (Math.abs(v - Math.trunc(v)) !== 0.5) expect(r).toBe(Math.round(v));
      }),
    );
  });
});

describe('roundStochastic', () => {
  it('returns the floor or the ceiling, and integers unchanged', () => {
    const random = mulberry32(1);
    for (const v of [-2.25, -0.5, 0.1, 3.9]) {
      const r = roundStochastic(v, random);
      expect(r === Math.floor(v) || r === Math.ceil(v)).toBe(true);
    }
    for (const v of [-3, 0, 5]) expect(roundStochastic(v, random)).toBe(v);
  });

  it('is unbiased: the mean of many roundings of v is v', () => {
    const random = mulberry32(123);
    const n = 40_000;
    for (const v of [0.3, -1.75, 2.5]) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += roundStochastic(v, random);
      const f = v - Math.floor(v);
      const sigma = Math.sqrt((f * (1 - f)) / n);
      expect(Math.abs(sum / n - v)).toBeLessThan(5 * sigma);
    }
  });
});
