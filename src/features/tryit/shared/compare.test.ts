import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareModels, positionIn, stepThrough } from './compare';

describe('compareModels: which test images the compression changes', () => {
  it('sorts each image into right/wrong by each model', () => {
    // image:       0  1  2  3  4  5
    const labels = [3, 1, 4, 1, 5, 9];
    const float = [3, 1, 0, 7, 5, 9]; // wrong on 2, 3
    const compressed = [3, 2, 4, 7, 6, 9]; // wrong on 1, 3, 4
    const c = compareModels({ labels, float, compressed });
    expect(c.count).toBe(6);
    expect(Array.from(c.compressedOnly)).toEqual([1, 4]);
    expect(Array.from(c.floatOnly)).toEqual([2]);
    expect(c.floatCorrect).toBe(4);
    expect(c.compressedCorrect).toBe(3);
    expect(c.changed).toBe(3); // images 1, 2, 4 (3 is wrong the same way)
  });

  it('finds nothing when the compressed model predicts as the original', () => {
    const labels = Uint8Array.from([0, 1, 2, 3]);
    const pred = Uint8Array.from([0, 2, 2, 1]);
    const c = compareModels({ labels, float: pred, compressed: pred.slice() });
    expect(c.compressedOnly).toHaveLength(0);
    expect(c.floatOnly).toHaveLength(0);
    expect(c.changed).toBe(0);
    expect(c.floatCorrect).toBe(c.compressedCorrect);
  });

  it('holds for any predictions: membership, order and counts', () => {
    const sets = fc
      .integer({ min: 0, max: 60 })
      .chain((n) =>
        fc.tuple(
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
        ),
      );
    fc.assert(
      fc.property(sets, ([labels, float, compressed]) => {
        const c = compareModels({ labels, float, compressed });
        const only = new Set(c.compressedOnly);
        for (let i = 0; i < labels.length; i++) {
          expect(only.has(i)).toBe(float[i] === labels[i] && compressed[i] !== labels[i]);
        }
        // Accuracy difference = errors added − errors fixed.
        expect(c.floatCorrect - c.compressedCorrect).toBe(
          c.compressedOnly.length - c.floatOnly.length,
        );
        for (let i = 1; i < c.compressedOnly.length; i++)
          expect(c.compressedOnly[i]!).toBeGreaterThan(c.compressedOnly[i - 1]!);
      }),
    );
  });

  it('refuses arrays of different lengths', () => {
    expect(() => compareModels({ labels: [1, 2], float: [1], compressed: [1, 2] })).toThrow(
      RangeError,
    );
  });
});

describe('stepping through a filtered list of test images', () => {
  const list = Int32Array.from([4, 17, 30]);

  it('goes to the next and the previous entry, wrapping at the ends', () => {
    expect(stepThrough(list, 4, 1)).toBe(17);
    expect(stepThrough(list, 17, -1)).toBe(4);
    expect(stepThrough(list, 30, 1)).toBe(4);
    expect(stepThrough(list, 4, -1)).toBe(30);
  });

  it('starts from an image that is not in the list', () => {
    expect(stepThrough(list, 0, 1)).toBe(4);
    expect(stepThrough(list, 20, 1)).toBe(17 + 13);
    expect(stepThrough(list, 20, -1)).toBe(17);
    expect(stepThrough(list, 99, 1)).toBe(4);
    expect(stepThrough(list, 2, -1)).toBe(30);
  });

  it('has nowhere to go in an empty list', () => {
    expect(stepThrough(new Int32Array(0), 5, 1)).toBeNull();
    expect(stepThrough([], 5, -1)).toBeNull();
  });

  it('agrees with a linear scan for any list and start', () => {
    const sorted = fc
      .uniqueArray(fc.integer({ min: 0, max: 200 }), { maxLength: 30 })
      .map((a) => a.sort((x, y) => x - y));
    fc.assert(
      fc.property(sorted, fc.integer({ min: -5, max: 205 }), (a, cur) => {
        const next = a.find((v) => v > cur) ?? a[0] ?? null;
        const prev = [...a].reverse().find((v) => v < cur) ?? a[a.length - 1] ?? null;
        expect(stepThrough(a, cur, 1)).toBe(next);
        expect(stepThrough(a, cur, -1)).toBe(prev);
        expect(positionIn(a, cur)).toBe(a.indexOf(cur));
      }),
    );
  });
});
