import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInt } from './format';

describe('formatInt', () => {
  it('writes every safe integer as Intl.NumberFormat("en-US") does', () => {
    const intl = new Intl.NumberFormat('en-US');
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.maxSafeInteger(), fc.maxSafeNat()),
        (n) => {
          // -0 aside: Intl writes "-0", a count of nothing is "0".
          if (Object.is(n, -0)) return;
          expect(formatInt(n)).toBe(intl.format(n));
        },
      ),
      { numRuns: 2000 },
    );
    for (const n of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, -1000, Number.MAX_SAFE_INTEGER])
      expect(formatInt(n)).toBe(intl.format(n));
    expect(formatInt(-0)).toBe('0');
  });

  it('leaves what is not a safe integer to Intl', () => {
    const intl = new Intl.NumberFormat('en-US');
    for (const x of [1.5, -2.25, 1234.5678, 2 ** 60, Infinity, NaN])
      expect(formatInt(x)).toBe(intl.format(x));
  });
});
