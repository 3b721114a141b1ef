import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classProbabilities, softmax, topPredictions } from './topk';

const sum = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0);

describe('softmax of the logits', () => {
  it('is exp(z) / Σ exp(z)', () => {
    const z = [2, -1, 0.5, 3];
    const e = z.map(Math.exp);
    const p = softmax(z);
    e.forEach((v, i) => expect(p[i]).toBeCloseTo(v / sum(e), 14));
    expect(softmax([0, 0, 0, 0])).toEqual(Float64Array.from([0.25, 0.25, 0.25, 0.25]));
    expect(softmax([Math.log(3), 0])[0]).toBeCloseTo(0.75, 14);
  });

  it('is stable: huge or tiny logits give the probabilities of their differences', () => {
    const p = softmax([1000, 999, 998]);
    const q = softmax([2, 1, 0]);
    p.forEach((v, i) => expect(v).toBeCloseTo(q[i]!, 14));
    expect(softmax([-1000, -1001]).every(Number.isFinite)).toBe(true);
    expect(sum(softmax([-1000, -1001]))).toBeCloseTo(1, 14);
  });

  it('sums to 1 and keeps the order of the logits (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -500, max: 500, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (z) => {
          const p = softmax(z);
          expect(sum(p)).toBeCloseTo(1, 10);
          for (let i = 0; i < z.length; i++) {
            expect(p[i]).toBeGreaterThanOrEqual(0);
            for (let j = 0; j < z.length; j++)
              if (z[i]! > z[j]!) expect(p[i]).toBeGreaterThanOrEqual(p[j]!);
          }
        },
      ),
    );
  });

  it('handles non-finite logits: +∞ takes all, −∞ gets 0, NaN poisons, empty stays empty', () => {
    expect(Array.from(softmax([1, Infinity, 2, Infinity]))).toEqual([0, 0.5, 0, 0.5]);
    expect(Array.from(softmax([0, -Infinity]))).toEqual([1, 0]);
    expect(softmax([1, NaN]).every(Number.isNaN)).toBe(true);
    expect(softmax([-Infinity, -Infinity]).every(Number.isNaN)).toBe(true);
    expect(softmax([])).toHaveLength(0);
  });
});

describe('top predictions', () => {
  const logits = [0.1, 2.5, -1, 4, 2.5, 0, 0, 0, 3.2, -3];

  it('lists classes by decreasing probability, ties in class order', () => {
    const top = topPredictions(logits);
    expect(top.map((p) => p.index)).toEqual([3, 8, 1, 4, 0, 5, 6, 7, 2, 9]);
    expect(sum(top.map((p) => p.probability))).toBeCloseTo(1, 12);
    expect(top[0]).toEqual({ index: 3, label: '3', logit: 4, probability: softmax(logits)[3] });
  });

  it('takes the first k, with the given labels', () => {
    const labels = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
    const top = topPredictions(logits, 3, labels);
    expect(top.map((p) => p.label)).toEqual(['three', 'eight', 'one']);
    expect(topPredictions(logits, 0)).toEqual([]);
    expect(topPredictions(logits, 50)).toHaveLength(10);
    expect(() => topPredictions(logits, 3, ['a'])).toThrow(RangeError);
  });

  it('puts NaN probabilities last rather than scrambling the order', () => {
    expect(topPredictions([NaN, 1]).map((p) => p.index)).toEqual([0, 1]);
    expect(topPredictions([NaN, 1]).every((p) => Number.isNaN(p.probability))).toBe(true);
  });
});

describe('class probabilities of a model’s outputs', () => {
  it('softmaxes logits and keeps a softmax model’s outputs as they are', () => {
    const out = [0.7, 0.2, 0.1];
    expect(Array.from(classProbabilities(out, 'probabilities'))).toEqual(out);
    // A second softmax would flatten them: 0.7 becomes about 0.45.
    expect(classProbabilities(out, 'logits')[0]).toBeLessThan(0.5);
    expect(Array.from(classProbabilities(out, 'logits'))).toEqual(Array.from(softmax(out)));
  });
});
