import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../platform/shared/random';
import { fakeQuantizePerTensor } from './affine';
import {
  MinMaxObserver,
  MovingAverageMinMaxObserver,
  MseObserver,
  PercentileObserver,
  activationHistogram,
  createObserver,
  observedBins,
} from './calibration';
import { computeQParams } from './qparams';
import { mse } from './sqnr';

const f32 = (xs: number[]) => Float32Array.from(xs);

/** 9,999 draws from a unit Gaussian (Box–Muller, seeded) plus one outlier at 40. */
function gaussianWithOutlier(): Float32Array {
  const random = mulberry32(5);
  const x = new Float32Array(10_000);
  for (let i = 0; i < x.length - 1; i++) {
    x[i] = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  }
  x[x.length - 1] = 40;
  return x;
}

describe('MinMaxObserver', () => {
  it('tracks the running extremes and skips non-finite values', () => {
    const o = new MinMaxObserver();
    expect(o.range()).toEqual({ min: 0, max: 0 });
    o.observe(f32([1, -2, NaN]));
    o.observe(f32([5, Infinity]));
    expect(o.range()).toEqual({ min: -2, max: 5 });
    expect(o.count).toBe(3);
    o.reset();
    expect(o.count).toBe(0);
  });
});

describe('MovingAverageMinMaxObserver', () => {
  it('sets the range from the first batch and then moves 1% toward each batch', () => {
    const o = new MovingAverageMinMaxObserver();
    o.observe(f32([-1, 1]));
    expect(o.range()).toEqual({ min: -1, max: 1 });
    o.observe(f32([-11, 101]));
    const f = Math.fround;
    expect(o.range()).toEqual({ min: f(-1 + f(f(0.01) * -10)), max: f(1 + f(f(0.01) * 100)) });
    expect(o.range().max).toBeCloseTo(2, 6);
  });

  it('rejects an averaging constant outside (0, 1]', () => {
    expect(() => new MovingAverageMinMaxObserver(0)).toThrow(RangeError);
  });
});

describe('PercentileObserver', () => {
  it('ignores a rare outlier that MinMax follows', () => {
    const x = gaussianWithOutlier();
    const o = new PercentileObserver(99.9, 'abs');
    o.observe(x);
    const r = o.range();
    expect(r.max).toBeGreaterThan(3); // |z| at 99.9% ≈ 3.29
    expect(r.max).toBeLessThan(3.6);
    expect(r.min).toBeCloseTo(-r.max, 10);
  });

  it('clips each tail separately in tails mode, and one-sided data stays one-sided', () => {
    const relu = Float32Array.from({ length: 10_000 }, (_, i) => (i < 5000 ? 0 : i - 5000));
    const tails = new PercentileObserver(99, 'tails');
    tails.observe(relu);
    expect(tails.range().min).toBe(0);
    const abs = new PercentileObserver(99, 'abs');
    abs.observe(relu);
    expect(abs.range().min).toBe(0);
    expect(Math.abs(abs.range().max - 4900)).toBeLessThan(5);
  });

  it('validates the percentile', () => {
    expect(() => new PercentileObserver(0)).toThrow(RangeError);
    expect(() => new PercentileObserver(101)).toThrow(RangeError);
  });
});

describe('MseObserver', () => {
  it('clips an outlier at low bit width and beats MinMax on the MSE of the data', () => {
    const x = gaussianWithOutlier();
    const o = new MseObserver(4, 'symmetric');
    o.observe(x);
    const r = o.range();
    expect(r.max).toBeLessThan(20);
    const err = (min: number, max: number) =>
      mse(x, fakeQuantizePerTensor(x, computeQParams(min, max, 4, 'symmetric')).values);
    expect(err(r.min, r.max)).toBeLessThan(err(Math.min(...x), Math.max(...x)));
  });

  it('keeps (nearly) the full range of uniform data at 8 bits', () => {
    const random = mulberry32(3);
    const x = Float32Array.from({ length: 5000 }, () => 2 * random() - 1);
    const o = new MseObserver(8, 'affine');
    o.observe(x);
    expect(o.range().max).toBeGreaterThan(0.95);
    const curve = o.errorCurve();
    expect(curve).toHaveLength(100);
    expect(curve[0]!.ratio).toBe(1);
  });

  it('scores each candidate range with the grid of the chosen symmetric range', () => {
    const random = mulberry32(5);
    const x = Float32Array.from({ length: 2000 }, () => 2 * random() - 1);
    const curveMse = (symRange: 'restricted' | 'full') => {
      const o = createObserver({ kind: 'mse', bits: 2, scheme: 'symmetric', symRange, bins: 64 });
      o.observe(x);
      return (o as MseObserver).errorCurve()[0]!; // the unclipped range, α = 1
    };
    const full = curveMse('full');
    const restricted = curveMse('restricted');
    expect(new MseObserver(2, 'symmetric', 100, undefined, 'full').symRange).toBe('full');
    // Uniform data in [−1, 1] at 2 bits: the restricted grid {−1, 0, 1} has step 1, MSE ≈ 1/12;
    // the full grid {−4/3, −2/3, 0, 2/3} has step 2/3, MSE ≈ (2/3)²/12 ≈ 0.037 (the clipped top
    // (2/3, 1] errs by at most 1/3, mean square 1/27 ≈ 0.037 too): less than half.
    expect(full.mse).toBeLessThan(restricted.mse * 0.75);
  });
});

describe('createObserver and histogram helpers', () => {
  it('builds every kind from a plain config', () => {
    const kinds = [
      createObserver({ kind: 'minmax' }),
      createObserver({ kind: 'movingAverageMinMax', averagingConstant: 0.1 }),
      createObserver({ kind: 'percentile', percentile: 99.99, mode: 'tails', bins: 256 }),
      createObserver({ kind: 'mse', bits: 8, scheme: 'affine', gridSize: 20 }),
    ];
    expect(kinds.map((o) => o.kind)).toEqual([
      'minmax',
      'movingAverageMinMax',
      'percentile',
      'mse',
    ]);
    for (const o of kinds) {
      o.observe(f32([-1, 0.5, 2]));
      const r = o.range();
      expect(r.min).toBeGreaterThanOrEqual(-1);
      expect(r.max).toBeLessThanOrEqual(2);
      expect(o.count).toBe(3);
    }
  });

  it('draws the observed histogram', () => {
    const o = new PercentileObserver(99);
    o.observe(f32([-1, 0, 0, 1]));
    const bins = observedBins(o);
    expect(bins.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(activationHistogram(f32([0.5, 1, 2]), 8).counts.reduce((a, b) => a + b, 0)).toBe(3);
  });
});
