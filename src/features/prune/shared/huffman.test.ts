import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entropyBits, huffmanCodeLengths, huffmanCodedBits, symbolHistogram } from './huffman';

function kraft(lengths: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < lengths.length; i++) if (lengths[i]! > 0) s += 2 ** -lengths[i]!;
  return s;
}

/** Reference Huffman cost: repeatedly merge the two smallest weights; cost = Σ merged weights. */
function referenceCost(freqs: number[]): number {
  const q = freqs.filter((f) => f > 0);
  if (q.length === 1) return q[0]!;
  let cost = 0;
  while (q.length > 1) {
    q.sort((a, b) => a - b);
    const merged = q.shift()! + q.shift()!;
    cost += merged;
    q.push(merged);
  }
  return cost;
}

const freqArray = fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 64 });

describe('huffmanCodeLengths', () => {
  it('matches a hand-computed code: {a:5, b:2, c:1, d:1} → 1, 2, 3, 3 → 15 bits', () => {
    expect(Array.from(huffmanCodeLengths([5, 2, 1, 1]))).toEqual([1, 2, 3, 3]);
    expect(huffmanCodedBits([5, 2, 1, 1])).toBe(15);
  });

  it('gives length 0 to unused symbols and 1 to a lone symbol', () => {
    expect(Array.from(huffmanCodeLengths([0, 7, 0]))).toEqual([0, 1, 0]);
    expect(Array.from(huffmanCodeLengths([0, 0]))).toEqual([0, 0]);
    expect(Array.from(huffmanCodeLengths([]))).toEqual([]);
    expect(Array.from(huffmanCodeLengths([4, 4, 4, 4]))).toEqual([2, 2, 2, 2]);
    expect(Array.from(huffmanCodeLengths([3, 0, 2]))).toEqual([1, 0, 1]);
  });

  it('is deterministic and rejects bad frequencies', () => {
    const f = [3, 3, 2, 2, 1, 1, 1, 1];
    expect(huffmanCodeLengths(f)).toEqual(huffmanCodeLengths(f));
    expect(() => huffmanCodeLengths([1, -1])).toThrow(RangeError);
    expect(() => huffmanCodeLengths([1, NaN])).toThrow(RangeError);
  });

  it('satisfies Kraft with equality for ≥ 2 used symbols', () => {
    fc.assert(
      fc.property(freqArray, (f) => {
        const used = f.filter((x) => x > 0).length;
        fc.pre(used >= 2);
        expect(kraft(huffmanCodeLengths(f))).toBe(1);
      }),
    );
  });

  it('is optimal: the cost equals the merge-sum of a reference Huffman', () => {
    fc.assert(
      fc.property(freqArray, (f) => {
        fc.pre(f.some((x) => x > 0));
        expect(huffmanCodedBits(f)).toBe(referenceCost(f));
      }),
    );
  });

  it('obeys Shannon (n·H ≤ bits < n·(H + 1)) and beats fixed-length codes', () => {
    fc.assert(
      fc.property(freqArray, (f) => {
        const used = f.filter((x) => x > 0).length;
        fc.pre(used >= 2);
        const n = f.reduce((a, b) => a + b, 0);
        const bits = huffmanCodedBits(f);
        const h = entropyBits(f);
        expect(bits).toBeGreaterThanOrEqual(h - 1e-9 * n);
        expect(bits).toBeLessThan(h + n);
        expect(bits).toBeLessThanOrEqual(n * Math.ceil(Math.log2(used)));
      }),
    );
  });
});

describe('symbolHistogram', () => {
  it('counts symbols and rejects strays', () => {
    expect(Array.from(symbolHistogram([0, 2, 2, 1, 2], 4))).toEqual([1, 1, 3, 0]);
    expect(() => symbolHistogram([4], 4)).toThrow(RangeError);
  });
});
