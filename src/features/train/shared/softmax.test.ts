import { describe, expect, it } from 'vitest';
import { argmax, formatProbability, softmaxT } from './softmax';

const sum = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0);

describe('softmax with temperature (the soft targets of distillation)', () => {
  const logits = [8, 2, -1, 0.5, 3, -4, 1, 0, 6, -2];

  it('at T = 1 is the ordinary softmax', () => {
    const e = logits.map(Math.exp);
    const z = sum(e);
    const p = softmaxT(logits, 1);
    e.forEach((v, i) => expect(p[i]).toBeCloseTo(v / z, 12));
    expect(softmaxT(logits)).toEqual(p);
  });

  it('sums to 1 at every temperature, and keeps the order of the logits', () => {
    for (const t of [1, 2, 4, 10, 50]) {
      const p = softmaxT(logits, t);
      expect(sum(p)).toBeCloseTo(1, 12);
      expect(argmax(p)).toBe(0);
      for (let i = 0; i < logits.length; i++)
        for (let j = 0; j < logits.length; j++)
          if (logits[i]! > logits[j]!) expect(p[i]).toBeGreaterThan(p[j]!);
    }
  });

  it('flattens towards uniform as T grows: the small probabilities grow', () => {
    const spread = (t: number) => {
      const p = softmaxT(logits, t);
      return Math.max(...p) - Math.min(...p);
    };
    expect(spread(4)).toBeLessThan(spread(1));
    expect(spread(50)).toBeLessThan(spread(4));
    const far = softmaxT(logits, 1e6);
    for (const v of far) expect(v).toBeCloseTo(0.1, 5);
    // The least likely class (logit −4) carries far more mass at T = 4 than at T = 1.
    expect(softmaxT(logits, 4)[5]!).toBeGreaterThan(100 * softmaxT(logits, 1)[5]!);
  });

  it('is stable for large logits', () => {
    const p = softmaxT([1000, 999, -1000], 1);
    expect(sum(p)).toBeCloseTo(1, 12);
    expect(p[0]! / p[1]!).toBeCloseTo(Math.E, 9);
  });
});

describe('argmax', () => {
  it('takes the first of equal values, and −1 for nothing', () => {
    expect(argmax([1, 3, 3, 2])).toBe(1);
    expect(argmax([])).toBe(-1);
  });
});

describe('formatProbability', () => {
  it('keeps small probabilities apart', () => {
    expect(formatProbability(0.6134)).toBe('61.3%');
    expect(formatProbability(0.001)).toBe('0.1%');
    expect(formatProbability(0.0000423)).toBe('0.0042%');
    expect(formatProbability(1e-9)).toBe('<0.0001%');
    expect(formatProbability(0)).toBe('0%');
    expect(formatProbability(1)).toBe('100.0%');
    expect(formatProbability(0.99999)).toBe('>99.9%');
  });
});
