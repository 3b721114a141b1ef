import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../platform/shared/random';
import { globalMagnitudeMasks, magnitudeMask } from './magnitude';
import { countKept, pruneCount } from './mask';
import { pruneModel, type LayerPruneResult, type PrunableLayer } from './pruneModel';

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

  describe("'structured' counts every weight really removed, cut inputs included", () => {
    /** A kernel of ones with the given output columns scaled by 1e-3 (pruned first). */
    function kernelWithSmallColumns(shape: number[], small: number[]): Float32Array {
      const out = shape[shape.length - 1]!;
      const n = shape.reduce((a, b) => a * b, 1);
      return Float32Array.from({ length: n }, (_, i) => (small.includes(i % out) ? 1e-3 : 1));
    }
    const dense = (name: string, shape: number[], small: number[] = []): PrunableLayer => ({
      name,
      shape,
      className: 'Dense',
      kernel: kernelWithSmallColumns(shape, small),
    });

    it('dense → dense → dense (4-4-2-3): a removed unit also removes its row downstream', () => {
      // a [4, 4] loses units 1, 3 (0.5 · 4 = 2); b [4, 2] loses unit 0 (0.5 · 2 = 1); c is the
      // output layer, not pruned itself.
      const layers = [dense('a', [4, 4], [1, 3]), dense('b', [4, 2], [0]), dense('c', [2, 3])];
      const r = pruneModel(layers, {
        method: 'structured',
        sparsity: 0.5,
        overrides: { c: { skip: true } },
      });
      const [a, b, c] = r.layers as [LayerPruneResult, LayerPruneResult, LayerPruneResult];
      // a: 2 of 4 columns of 4 weights go: 8 of 16.
      expect(a).toMatchObject({ pruned: 8, ownPruned: 8, inputPruned: 0, total: 16 });
      // b [4, 2] becomes [2, 1]: 2 of 8 kept. Own column 0: 4 weights; rows 1 and 3 of the kept
      // column 1: 2 more.
      expect(b).toMatchObject({ pruned: 6, ownPruned: 4, inputPruned: 2, total: 8 });
      expect(b.sparsity).toBe(6 / 8);
      // Element (row r, column o) sits at r · 2 + o.
      expect(Array.from(b.mask)).toEqual([0, 1, 0, 0, 0, 1, 0, 0]);
      // c [2, 3] becomes [1, 3]: row 0 (b's removed unit 0) goes, 3 of 6.
      expect(c).toMatchObject({ pruned: 3, ownPruned: 0, inputPruned: 3, skipped: true });
      expect(Array.from(c.mask)).toEqual([0, 0, 0, 1, 1, 1]);
      expect(r.pruned).toBe(8 + 6 + 3);
      expect(r.total).toBe(30);
      expect(r.sparsity).toBe(17 / 30);
      // The counts agree with the shapes the layers shrink to.
      expect(r.effectiveShapes).toEqual([
        [4, 2],
        [2, 1],
        [1, 3],
      ]);
      r.layers.forEach((l, i) =>
        expect(l.total - l.pruned).toBe(r.effectiveShapes![i]!.reduce((x, y) => x * y, 1)),
      );
    });

    it('conv → flatten → dense: a removed filter removes its channel at every position (NHWC)', () => {
      // conv [3, 3, 1, 4] loses filters 1 and 3; its output, pooled to [2, 2, 4], flattens
      // channel fastest into 16 inputs r = 4·p + ch of d [16, 3], which loses unit 0 (1/3 · 3);
      // e [3, 2] is the output layer.
      const conv: PrunableLayer = {
        name: 'conv',
        shape: [3, 3, 1, 4],
        className: 'Conv2D',
        kernel: kernelWithSmallColumns([3, 3, 1, 4], [1, 3]),
      };
      const layers = [conv, dense('d', [16, 3], [0]), dense('e', [3, 2])];
      const r = pruneModel(layers, {
        method: 'structured',
        sparsity: 0.5,
        overrides: { d: { sparsity: 1 / 3 }, e: { skip: true } },
      });
      const [cv, d, e] = r.layers as [LayerPruneResult, LayerPruneResult, LayerPruneResult];
      // conv: 2 filters of 3·3·1 = 9 weights: 18 of 36.
      expect(cv).toMatchObject({ pruned: 18, ownPruned: 18, inputPruned: 0 });
      // d: own unit 0 = 16 weights; of units 1, 2, the 8 inputs of channels 1 and 3 (2 channels ×
      // 4 positions): 16 more. Kept: 8 inputs × 2 units = 16 of 48.
      expect(d).toMatchObject({ pruned: 32, ownPruned: 16, inputPruned: 16, total: 48 });
      for (let i = 0; i < 48; i++) {
        const row = Math.floor(i / 3);
        const kept = i % 3 !== 0 && (row % 4 === 0 || row % 4 === 2);
        expect(d.mask[i], `d element ${i} (input ${row}, unit ${i % 3})`).toBe(kept ? 1 : 0);
      }
      // e: row 0 (d's unit 0) goes: 2 of 6.
      expect(e).toMatchObject({ pruned: 2, ownPruned: 0, inputPruned: 2 });
      expect(r.pruned).toBe(18 + 32 + 2);
      expect(r.total).toBe(36 + 48 + 6);
      expect(r.effectiveShapes).toEqual([
        [3, 3, 1, 2],
        [8, 2],
        [2, 2],
      ]);
    });

    it("with the biases kept (torch's rule) the next layer keeps its inputs", () => {
      const layers = [dense('a', [4, 4], [1, 3]), dense('b', [4, 2], [0]), dense('c', [2, 3])];
      const r = pruneModel(layers, {
        method: 'structured',
        sparsity: 0.5,
        structuredBias: 'keep',
        overrides: { c: { skip: true } },
      });
      const [a, b, c] = r.layers as [LayerPruneResult, LayerPruneResult, LayerPruneResult];
      expect(a).toMatchObject({ pruned: 8, inputPruned: 0, constantUnits: 2, biasMask: null });
      // b: only its own column 0 (4 weights); the rows reading a's removed units stay, since
      // those units still output ReLU(bias).
      expect(b).toMatchObject({ pruned: 4, inputPruned: 0, constantUnits: 1, biasMask: null });
      expect(Array.from(b.mask)).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
      expect(c).toMatchObject({ pruned: 0, inputPruned: 0 });
      expect(r.pruned).toBe(12);
      expect(r.effectiveShapes).toEqual([
        [4, 2],
        [4, 1],
        [2, 3],
      ]);
      // The default removes the biases of the removed units.
      const removed = pruneModel(layers, { method: 'structured', sparsity: 0.5 });
      expect(Array.from(removed.layers[0]!.biasMask!)).toEqual([1, 0, 1, 0]);
    });

    it('leaves the counts of the other methods alone', () => {
      const r = pruneModel(mlp, { method: 'magnitude', sparsity: 0.5 });
      for (const l of r.layers) {
        expect(l.inputPruned).toBe(0);
        expect(l.ownPruned).toBe(l.pruned);
      }
    });
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
