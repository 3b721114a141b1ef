import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random';
import { globalMagnitudeMasks, magnitudeMask } from './magnitude';
import { countKept, pruneCount } from './mask';
import { pruneModel, type PrunableLayer } from './pruneModel';

function layer(
  name: string,
  shape: number[],
  scale: number,
  seed: number,
  className = 'Dense',
): PrunableLayer {
  const r = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return {
    name,
    shape,
    className,
    kernel: Float32Array.from({ length: n }, () => scale * (r() - 0.5)),
  };
}

// A scaled-down LeNet-300-100.
const mlp = [
  layer('fc1', [78, 30], 0.1, 1),
  layer('fc2', [30, 10], 0.5, 2),
  layer('fc3', [10, 10], 1, 3),
];

describe('pruneModel', () => {
  it("'magnitude' prunes every layer to its exact count and reports achieved sparsity", () => {
    const r = pruneModel(mlp, { method: 'magnitude', sparsity: 0.9 });
    r.layers.forEach((l, i) => {
      const n = mlp[i]!.kernel.length;
      expect(l.pruned).toBe(pruneCount(0.9, n));
      expect(l.sparsity).toBe(l.pruned / n);
      expect(l.mask).toEqual(magnitudeMask(mlp[i]!.kernel, 0.9));
      expect(l.biasMask).toBeNull();
    });
    expect(r.total).toBe(2340 + 300 + 100);
    expect(r.pruned).toBe(r.layers.reduce((s, l) => s + l.pruned, 0));
  });

  it('honours overrides: skip leaves a layer dense, sparsity sets its own target', () => {
    const r = pruneModel(mlp, {
      method: 'magnitude',
      sparsity: 0.5,
      overrides: { fc3: { skip: true }, fc2: { sparsity: 0.8 } },
    });
    expect(r.layers[2]).toMatchObject({ skipped: true, pruned: 0, targetSparsity: 0 });
    expect(countKept(r.layers[2]!.mask)).toBe(100);
    expect(r.layers[1]).toMatchObject({ pruned: 240, targetSparsity: 0.8 });
    expect(r.layers[0]!.pruned).toBe(1170);
    expect(() =>
      pruneModel(mlp, { method: 'magnitude', sparsity: 0.5, overrides: { fc1: { sparsity: 2 } } }),
    ).toThrow(RangeError);
  });

  it("'global' shares one threshold among the non-overridden layers", () => {
    const r = pruneModel(mlp, {
      method: 'global',
      sparsity: 0.7,
      overrides: { fc3: { skip: true } },
    });
    const expected = globalMagnitudeMasks([mlp[0]!.kernel, mlp[1]!.kernel], 0.7);
    expect(r.layers[0]!.mask).toEqual(expected[0]);
    expect(r.layers[1]!.mask).toEqual(expected[1]);
    expect(r.layers[0]!.pruned + r.layers[1]!.pruned).toBe(pruneCount(0.7, 2640));
    // fc1 has the smallest weights, so it loses more than its share.
    expect(r.layers[0]!.sparsity).toBeGreaterThan(r.layers[1]!.sparsity);
    expect(r.layers[2]!.skipped).toBe(true);
  });

  it("'structured' returns kept channels, bias masks and the shrunken chain", () => {
    const r = pruneModel(mlp, {
      method: 'structured',
      sparsity: 0.5,
      norm: 'l1',
      overrides: { fc3: { skip: true } },
    });
    expect(r.layers[0]!.keptChannels!.length).toBe(15);
    expect(countKept(r.layers[0]!.biasMask!)).toBe(15);
    expect(r.effectiveShapes).toEqual([
      [78, 15],
      [15, 5],
      [5, 10],
    ]);
    expect(() =>
      pruneModel([layer('dw', [3, 3, 2, 1], 1, 1, 'DepthwiseConv2D')], {
        method: 'structured',
        sparsity: 0.5,
      }),
    ).toThrow(RangeError);
  });

  it("'nm' applies N:M to every non-skipped layer", () => {
    const r = pruneModel(mlp, {
      method: 'nm',
      sparsity: 0,
      n: 2,
      m: 4,
      overrides: { fc3: { skip: true } },
    });
    // fc1 has 78 inputs: 19 full groups of 4 and a partial group of 2 that keeps both.
    expect(r.layers[0]).toMatchObject({ targetSparsity: 0.5, pruned: 19 * 2 * 30 });
    expect(r.layers[0]!.sparsity).toBeLessThan(0.5);
    // fc2 has 30 inputs: 7 full groups and a partial group of 2.
    expect(r.layers[1]!.pruned).toBe(7 * 2 * 10);
    expect(r.layers[2]!.pruned).toBe(0);
  });

  it("'random' is reproducible per seed and gives each layer its own stream", () => {
    const same = [layer('a', [10, 10], 1, 1), layer('b', [10, 10], 1, 1)];
    const r1 = pruneModel(same, { method: 'random', sparsity: 0.5, seed: 7 });
    const r2 = pruneModel(same, { method: 'random', sparsity: 0.5, seed: 7 });
    const r3 = pruneModel(same, { method: 'random', sparsity: 0.5, seed: 8 });
    expect(r1.layers[0]!.mask).toEqual(r2.layers[0]!.mask);
    expect(r1.layers[0]!.mask).not.toEqual(r3.layers[0]!.mask);
    expect(r1.layers[0]!.mask).not.toEqual(r1.layers[1]!.mask);
    expect(r1.layers.every((l) => l.pruned === 50)).toBe(true);
  });

  it('ignores inherited keys of the overrides object', () => {
    const r = pruneModel([layer('constructor', [4, 2], 1, 1)], {
      method: 'magnitude',
      sparsity: 0.5,
      overrides: {},
    });
    expect(r.layers[0]!.pruned).toBe(4);
  });
});
