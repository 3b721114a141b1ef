import { describe, expect, it } from 'vitest';
import { quantizeWeights } from '../../quantize';
import type { WeightQuantSpec } from '../../quantize';
import { steMask } from './ste';

function maskOf(w: number[], spec: WeightQuantSpec, shape = [w.length]): number[] {
  const x = Float32Array.from(w);
  return Array.from(steMask(x, spec, quantizeWeights(x, shape, spec).tensor));
}

describe('where the straight-through estimator passes the gradient', () => {
  it('uniform: everywhere a MinMax range from the weights themselves covers', () => {
    const spec: WeightQuantSpec = {
      kind: 'uniform',
      bits: 2,
      scheme: 'symmetric',
      perChannel: false,
    };
    expect(maskOf([-0.9, -0.1, 0, 0.3, 0.9], spec)).toEqual([1, 1, 1, 1, 1]);
    const affine: WeightQuantSpec = {
      kind: 'uniform',
      bits: 3,
      scheme: 'affine',
      perChannel: true,
    };
    expect(maskOf([-1, 2, 0.5, -3, 0, 1], affine, [3, 2])).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('uniform full range: +max|w| lies half a step above qmax and rounds out of it', () => {
    // 2 bits full range: codes −2..1, s = 1/1.5; +1 → 1.5 → half to even = 2 > qmax: clipped.
    const spec: WeightQuantSpec = {
      kind: 'uniform',
      bits: 2,
      scheme: 'symmetric',
      symRange: 'full',
      perChannel: false,
    };
    expect(maskOf([-1, -0.5, 0, 0.5, 1], spec)).toEqual([1, 1, 1, 1, 0]);
  });

  it('uniform with a range fixed elsewhere: 0 outside [qmin, qmax] ± half a step', () => {
    // scale 0.5, codes −1..1: passes for w/0.5 rounding into [−1, 1], i.e. |w| ≤ 0.75 (ties at
    // ±1.5 round to ±2: out).
    const tensor = {
      ...quantizeWeights(Float32Array.from([0.5, -0.5]), [2], {
        kind: 'uniform',
        bits: 2,
        scheme: 'symmetric',
        perChannel: false,
      }).tensor!,
    };
    const w = Float32Array.from([-2, -0.76, -0.75, -0.74, 0, 0.74, 0.75, 0.76, 2]);
    const spec: WeightQuantSpec = {
      kind: 'uniform',
      bits: 2,
      scheme: 'symmetric',
      perChannel: false,
    };
    expect(Array.from(steMask(w, spec, tensor))).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0]);
  });

  it('binary and ternary: BinaryConnect’s clip |w| ≤ 1; float formats: everywhere', () => {
    const w = [-1.5, -1, -0.2, 0, 0.4, 1, 1.01];
    expect(maskOf(w, { kind: 'binary', perChannel: false })).toEqual([0, 1, 1, 1, 1, 1, 0]);
    expect(maskOf(w, { kind: 'ternary', perChannel: false })).toEqual([0, 1, 1, 1, 1, 1, 0]);
    expect(maskOf(w, { kind: 'float16' })).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });
});
