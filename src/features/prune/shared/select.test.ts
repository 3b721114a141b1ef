import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../platform/shared/random';
import { magnitudeKeys, pruneSmallest, radixSelect, selectInPlace } from './select';

function sortedCopy(a: Float32Array): Float32Array {
  return a.slice().sort();
}

describe('selectInPlace', () => {
  it('finds the k-th smallest of arbitrary arrays (with many ties)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 300 }),
        fc.nat(),
        (xs, kk) => {
          const a = Float32Array.from(xs);
          const k = kk % a.length;
          expect(selectInPlace(a.slice(), k)).toBe(sortedCopy(a)[k]);
        },
      ),
    );
  });

  it('handles sorted, reversed, organ-pipe and constant inputs of 100k', () => {
    const n = 100_000;
    const inputs = [
      Float32Array.from({ length: n }, (_, i) => i),
      Float32Array.from({ length: n }, (_, i) => n - i),
      Float32Array.from({ length: n }, (_, i) => Math.min(i, n - i)),
      new Float32Array(n).fill(3),
    ];
    for (const a of inputs) {
      const s = sortedCopy(a);
      for (const k of [0, 1, n >> 1, n - 1]) expect(selectInPlace(a.slice(), k)).toBe(s[k]);
    }
  });

  it('rejects k out of range', () => {
    expect(() => selectInPlace(new Float32Array(3), 3)).toThrow(RangeError);
  });
});

describe('pruneSmallest', () => {
  it('prunes exactly count entries: all keys below the threshold, then ties by lower index', () => {
    const keys = Float32Array.of(0.1, 0.1, 0.3, 0.1, 0.05, 0.1);
    expect(Array.from(pruneSmallest(keys, 3))).toEqual([0, 0, 1, 1, 0, 1]);
    expect(Array.from(pruneSmallest(keys, 0))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(pruneSmallest(keys, 6))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('is deterministic on random tied data', () => {
    const r = mulberry32(5);
    const keys = Float32Array.from({ length: 10_000 }, () => Math.floor(r() * 10));
    const a = pruneSmallest(keys, 4321);
    const b = pruneSmallest(keys, 4321);
    expect(a).toEqual(b);
    expect(a.length - a.reduce((s, v) => s + v, 0)).toBe(4321);
  });
});

describe('radixSelect and magnitudeKeys', () => {
  it('radixSelect finds the k-th smallest 32-bit key', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat(70000), fc.nat()), { minLength: 1, maxLength: 300 }),
        fc.nat(),
        (xs, kk) => {
          const keys = Uint32Array.from(xs);
          const k = kk % keys.length;
          expect(radixSelect(keys, k)).toBe(keys.slice().sort()[k]);
        },
      ),
    );
  });

  it('magnitudeKeys order exactly like |w| (NaN as +∞)', () => {
    fc.assert(
      fc.property(fc.array(fc.float(), { minLength: 2, maxLength: 100 }), (xs) => {
        const w = Float32Array.from(xs);
        const keys = magnitudeKeys(w);
        const mag = (v: number): number => (Number.isNaN(v) ? Infinity : Math.abs(v));
        const cmp = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);
        for (let i = 1; i < w.length; i++) {
          expect(cmp(keys[i]!, keys[0]!)).toBe(cmp(mag(w[i]!), mag(w[0]!)));
        }
      }),
    );
  });

  it('magnitudeKeys maps ±∞ and NaN to the same key, and ±0 to 0', () => {
    const keys = magnitudeKeys(Float32Array.of(Infinity, NaN, -Infinity, -0, 0, -NaN));
    expect(Array.from(keys)).toEqual([0x7f800000, 0x7f800000, 0x7f800000, 0, 0, 0x7f800000]);
  });

  it('pruneSmallest gives the same mask for float and integer keys', () => {
    const r = mulberry32(11);
    const w = Float32Array.from({ length: 5000 }, () => Math.round((r() - 0.5) * 64) / 16);
    const floatKeys = Float32Array.from(w, Math.abs);
    for (const count of [0, 1, 2500, 4999, 5000]) {
      expect(pruneSmallest(magnitudeKeys(w), count)).toEqual(pruneSmallest(floatKeys, count));
    }
  });
});
