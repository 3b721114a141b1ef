import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globalMagnitudeMasks, magnitudeMask } from './magnitude';
import { countKept, pruneCount } from './mask';

/** Reference: a full sort of (|w|, index); the first k are pruned. */
function referenceMask(keys: readonly number[], k: number): number[] {
  const order = keys.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
  const mask = keys.map(() => 1);
  for (const i of order.slice(0, k)) mask[i] = 0;
  return mask;
}

// Small integers make ties frequent; the sign is irrelevant to |w|.
const weightArray = fc
  .array(fc.integer({ min: -30, max: 30 }), { minLength: 0, maxLength: 200 })
  .map((xs) => Float32Array.from(xs, (x) => x / 8));
const sparsity = fc.double({ min: 0, max: 1, noNaN: true });

describe('magnitudeMask (torch l1_unstructured)', () => {
  it('prunes the smallest |w| of a known tensor', () => {
    const w = Float32Array.of(0.5, -0.1, 0.3, -0.2, 0.05);
    expect(Array.from(magnitudeMask(w, 0.4))).toEqual([1, 0, 1, 1, 0]);
    expect(Array.from(magnitudeMask(w, 0))).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(magnitudeMask(w, 1))).toEqual([0, 0, 0, 0, 0]);
    // 0.5 · 5 = 2.5 rounds half to even → 2 pruned (Math.round would give 3).
    expect(countKept(magnitudeMask(w, 0.5))).toBe(3);
    // 0.7 · 5 = 3.5 → 4 pruned.
    expect(countKept(magnitudeMask(w, 0.7))).toBe(1);
  });

  it('breaks ties at the threshold by pruning the lower index first', () => {
    const w = Float32Array.of(0.1, -0.1, 0.1, 0.2, 0.1);
    expect(Array.from(magnitudeMask(w, 0.4))).toEqual([0, 0, 1, 1, 1]);
    expect(magnitudeMask(w, 0.4)).toEqual(magnitudeMask(w, 0.4));
  });

  it('never prunes NaN before a number, and treats −0 like 0', () => {
    const w = Float32Array.of(NaN, -0, 1e-30, 0);
    expect(Array.from(magnitudeMask(w, 0.75))).toEqual([1, 0, 0, 0]);
  });

  it('matches a full sort, to the weight, for any tensor and sparsity', () => {
    fc.assert(
      fc.property(weightArray, sparsity, (w, s) => {
        const k = pruneCount(s, w.length);
        const expected = referenceMask(Array.from(w, Math.abs), k);
        expect(Array.from(magnitudeMask(w, s))).toEqual(expected);
      }),
    );
  });

  it('rejects invalid sparsities', () => {
    expect(() => magnitudeMask(new Float32Array(4), 1.5)).toThrow(RangeError);
    expect(() => magnitudeMask(new Float32Array(4), NaN)).toThrow(RangeError);
  });
});

describe('globalMagnitudeMasks (torch global_unstructured, L1Unstructured)', () => {
  it('uses one threshold across layers of different scales', () => {
    const small = Float32Array.of(0.01, -0.02, 0.03, 0.04);
    const large = Float32Array.of(1, -2, 3, 0.035);
    const [a, b] = globalMagnitudeMasks([small, large], 0.5);
    expect(Array.from(a!)).toEqual([0, 0, 0, 1]);
    expect(Array.from(b!)).toEqual([1, 1, 1, 0]);
  });

  it('prunes exactly round(s · N_total) and equals a full sort of all weights', () => {
    fc.assert(
      fc.property(fc.array(weightArray, { minLength: 1, maxLength: 5 }), sparsity, (layers, s) => {
        const all = layers.flatMap((w) => Array.from(w, Math.abs));
        const expected = referenceMask(all, pruneCount(s, all.length));
        const masks = globalMagnitudeMasks(layers, s);
        expect(masks.map((m) => m.length)).toEqual(layers.map((w) => w.length));
        expect(masks.flatMap((m) => Array.from(m))).toEqual(expected);
      }),
    );
  });

  it('handles no layers and sparsity 0 and 1', () => {
    expect(globalMagnitudeMasks([], 0.5)).toEqual([]);
    const layers = [Float32Array.of(1, 2), Float32Array.of(3)];
    expect(globalMagnitudeMasks(layers, 0).map((m) => Array.from(m))).toEqual([[1, 1], [1]]);
    expect(globalMagnitudeMasks(layers, 1).map((m) => Array.from(m))).toEqual([[0, 0], [0]]);
  });
});
