import { describe, expect, it } from 'vitest';
import { quantizeWeights, type WeightQuantSpec } from './weights';

describe('quantizeWeights', () => {
  const w = Float32Array.from([0.1, -0.7, 1 / 3, 2, -1.2, 0]);
  const shape = [3, 2];

  it('dispatches every kind and never modifies its input', () => {
    const before = w.slice();
    const specs: WeightQuantSpec[] = [
      { kind: 'uniform', bits: 4, scheme: 'affine', perChannel: true },
      {
        kind: 'uniform',
        bits: 8,
        scheme: 'symmetric',
        perChannel: false,
        rounding: 'stochastic',
        seed: 1,
      },
      { kind: 'binary', perChannel: true },
      { kind: 'ternary', perChannel: false },
      { kind: 'float16' },
      { kind: 'bfloat16' },
      { kind: 'float32' },
    ];
    for (const spec of specs) {
      const q = quantizeWeights(w, shape, spec);
      expect(q.values).toHaveLength(w.length);
      expect(q.values).not.toBe(w);
      expect(q.tensor === null).toBe(
        spec.kind === 'float16' || spec.kind === 'bfloat16' || spec.kind === 'float32',
      );
    }
    expect(w).toEqual(before);
    expect(quantizeWeights(w, shape, { kind: 'binary', perChannel: true }).tensor?.axis).toBe(1);
    expect(quantizeWeights(w, shape, { kind: 'float32' }).values).toEqual(w);
  });

  it('validates the shape for every kind', () => {
    expect(() => quantizeWeights(w, [4, 2], { kind: 'float16' })).toThrow(RangeError);
    expect(() => quantizeWeights(w, [4, 2], { kind: 'ternary', perChannel: false })).toThrow(
      RangeError,
    );
  });
});
